/*
 * mmap(MAP_FIXED) over registered pages unmaps them (spec 11.5): UNMAP of
 * the whole requested range (+3..+4 over a registered page; +5..+7 over a
 * registered and an unregistered page); over unregistered pages only, no
 * event.  The new mapping is not registered (reads zero, no message);
 * the registered pages around it still fault.
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
	p = t_map(8);
	t_register(fd, p + 2 * t_page, 4, UFFDIO_REGISTER_MODE_MISSING);

	c = (struct ev_call){ .op = EV_MMAP_FIXED, .addr = p + 3 * t_page,
			      .len = (size_t)t_page, .arg = MAP_PRIVATE | MAP_ANONYMOUS,
			      .mfd = -1 };
	ev_do(fd, (uintptr_t)p, &c, "MAP_FIXED +3", out, sizeof(out));
	CHECK(c.ret == p + 3 * t_page);
	CHECK_STR(out, "UNMAP +3..+4");

	c.addr = p + 5 * t_page;
	c.len = 2 * (size_t)t_page;
	ev_do(fd, (uintptr_t)p, &c, "MAP_FIXED +5..+7", out, sizeof(out));
	CHECK(c.ret == p + 5 * t_page);
	CHECK_STR(out, "UNMAP +5..+7");

	c.addr = p + 7 * t_page;
	c.len = (size_t)t_page;
	CHECK_EQ(ev_do(fd, (uintptr_t)p, &c, "MAP_FIXED +7 (unregistered)", out,
		       sizeof(out)), 0);
	CHECK(c.ret == p + 7 * t_page);

	/* The replacement is an ordinary mapping. */
	t_touch_start(&t, p + 3 * t_page, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	t_touch_start(&t, p + 5 * t_page, 1, 0x52);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	ev_none(fd, "touching the new mappings");

	/* Pages 2 and 4 are still registered. */
	t_touch_start(&t, p + 4 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("read page 4: %s\n", s);
	CHECK_STR(s, "PF +4 0");
	CHECK_OK(t_zeropage(fd, p + 4 * t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	t_touch_start(&t, p + 2 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	CHECK_STR(s, "PF +2 0");
	CHECK_OK(t_zeropage(fd, p + 2 * t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
