/*
 * Which madvise() advice sends UFFD_EVENT_REMOVE on private anonymous
 * memory (spec 11.4): MADV_FREE and MADV_DONTNEED_LOCKED do, each with
 * one event clipped to the registered range (pages 4..5 of a region
 * registered at 4..7 -> REMOVE +4..+6); MADV_PAGEOUT, MADV_COLD and
 * MADV_WILLNEED do not.
 */
#include "events_util.h"

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

int main(void)
{
	struct ev_call c;
	char *p, out[256];
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_REMOVE);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_REMOVE);
	p = t_map(8);
	memset(p, 0x22, 8 * (size_t)t_page);
	t_register(fd, p + 4 * t_page, 4, UFFDIO_REGISTER_MODE_MISSING);

	ev_madvise_ok(fd, (uintptr_t)p, p + 4 * t_page, 2 * (size_t)t_page,
		      MADV_FREE, "FREE +4..+6", "REMOVE +4..+6");
	ev_madvise_ok(fd, (uintptr_t)p, p + 2 * t_page, 4 * (size_t)t_page,
		      MADV_DONTNEED_LOCKED, "DONTNEED_LOCKED +2..+6", "REMOVE +4..+6");

	/* No event for these (they may fail on some configurations). */
	c = (struct ev_call){ .op = EV_MADVISE, .addr = p + 4 * t_page,
			      .len = 2 * (size_t)t_page, .arg = MADV_PAGEOUT };
	CHECK_EQ(ev_do(fd, (uintptr_t)p, &c, "PAGEOUT +4..+6", out, sizeof(out)), 0);
	c.arg = MADV_COLD;
	CHECK_EQ(ev_do(fd, (uintptr_t)p, &c, "COLD +4..+6", out, sizeof(out)), 0);
	c.arg = MADV_WILLNEED;
	CHECK_EQ(ev_do(fd, (uintptr_t)p, &c, "WILLNEED +4..+6", out, sizeof(out)), 0);
	CHECK_EQ((long)c.ret, 0);
	close(fd);
	return 0;
}
