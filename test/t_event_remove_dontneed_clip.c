/*
 * UFFD_EVENT_REMOVE is clipped to the registered VMA (spec 11.4):
 * MADV_DONTNEED over pages 2..10 of a region whose pages 4..7 are
 * registered gives exactly one event, REMOVE start +4 end +8 (end
 * exclusive).  The unregistered pages are zapped as usual; the range stays
 * registered, so a later read of page 5 is a MISSING fault.
 */
#include "events_util.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p, s[96];
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_REMOVE);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_REMOVE);
	p = t_map(12);
	memset(p, 0x11, 12 * (size_t)t_page);
	t_register(fd, p + 4 * t_page, 4, UFFDIO_REGISTER_MODE_MISSING);

	ev_madvise_ok(fd, (uintptr_t)p, p + 2 * t_page, 8 * (size_t)t_page,
		      MADV_DONTNEED, "DONTNEED +2..+10", "REMOVE +4..+8");
	/* Unregistered pages: zapped, zero-filled on access, no message. */
	CHECK_EQ(p[2 * t_page], 0);
	CHECK_EQ(p[9 * t_page + 5], 0);
	CHECK_EQ(p[t_page], 0x11);
	CHECK_EQ(p[10 * t_page], 0x11);
	ev_none(fd, "after DONTNEED");

	/* Still registered: MISSING fault. */
	t_touch_start(&t, p + 5 * t_page + 7, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("read page 5: %s\n", s);
	CHECK_STR(s, "PF +5 0");
	CHECK_OK(t_zeropage(fd, p + 5 * t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	close(fd);
	return 0;
}
