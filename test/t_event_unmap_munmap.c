/*
 * UFFD_EVENT_UNMAP on munmap() (spec 11.5): the event carries the whole
 * requested range, not clipped to the registered part -- munmap of pages
 * 3..5 with 4..7 registered gives UNMAP +3..+6; unmapping only
 * unregistered memory gives nothing; the pages left registered still
 * fault; a munmap of the whole region, holes included, gives one UNMAP
 * +0..+16.
 */
#include "events_util.h"

int main(void)
{
	struct ev_call c;
	struct t_toucher t;
	struct uffd_msg m;
	char *p, out[256], s[96];
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_UNMAP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_UNMAP);
	p = t_map(16);
	t_register(fd, p + 4 * t_page, 4, UFFDIO_REGISTER_MODE_MISSING);

	c = (struct ev_call){ .op = EV_MUNMAP, .addr = p + 3 * t_page,
			      .len = 3 * (size_t)t_page };
	ev_do(fd, (uintptr_t)p, &c, "munmap +3..+6", out, sizeof(out));
	CHECK_EQ((long)c.ret, 0);
	CHECK_STR(out, "UNMAP +3..+6");

	c = (struct ev_call){ .op = EV_MUNMAP, .addr = p + 12 * t_page,
			      .len = (size_t)t_page };
	CHECK_EQ(ev_do(fd, (uintptr_t)p, &c, "munmap +12 (unregistered)", out,
		       sizeof(out)), 0);
	CHECK_EQ((long)c.ret, 0);

	/* Pages 6..7 are still registered. */
	t_touch_start(&t, p + 6 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("read page 6: %s\n", s);
	CHECK_STR(s, "PF +6 0");
	CHECK_OK(t_copy_byte(fd, p + 6 * t_page, 0x61, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x61);
	t_touch_join(&t);

	c = (struct ev_call){ .op = EV_MUNMAP, .addr = p, .len = 16 * (size_t)t_page };
	ev_do(fd, (uintptr_t)p, &c, "munmap +0..+16", out, sizeof(out));
	CHECK_EQ((long)c.ret, 0);
	CHECK_STR(out, "UNMAP +0..+16");
	close(fd);
	return 0;
}
