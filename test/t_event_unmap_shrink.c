/*
 * mremap() shrinking a registered range in place (spec 11.3, 11.5) gives
 * UNMAP of the cut tail (4 -> 2 pages: UNMAP +2..+4) and no REMAP; the
 * part kept stays registered and keeps its contents.
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
	t_require(UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_UNMAP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK,
			UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_UNMAP);
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, p, 0x4e, 0));

	c = (struct ev_call){ .op = EV_MREMAP, .addr = p, .len = 4 * (size_t)t_page,
			      .new_len = 2 * (size_t)t_page };
	ev_do(fd, (uintptr_t)p, &c, "mremap shrink 4->2", out, sizeof(out));
	CHECK(c.ret == p);
	CHECK_STR(out, "UNMAP +2..+4");

	CHECK_EQ(p[5], 0x4e);
	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("read page 1: %s\n", s);
	CHECK_STR(s, "PF +1 0");
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	ev_none(fd, "end");
	close(fd);
	return 0;
}
