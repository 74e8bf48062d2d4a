/*
 * UFFD_EVENT_REMAP (spec 11.3): mremap() moving a registered range gives
 * REMAP from = old start, to = new start, len = old length, then (with
 * EVENT_UNMAP) UNMAP of the old range.  The registration moves with the
 * pages: a populated page keeps its contents at the new place, a missing
 * one faults there (address in the new range).
 */
#include "events_util.h"

int main(void)
{
	struct ev_call c;
	struct t_toucher t;
	struct uffd_msg m;
	char *base, out[256], s[96];
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_UNMAP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK,
			UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_UNMAP);
	base = ev_reserve(16);
	ev_map_at(base, 4);
	t_register(fd, base, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, base, 0x44, 0));

	c = (struct ev_call){ .op = EV_MREMAP, .addr = base, .len = 4 * (size_t)t_page,
			      .new_len = 4 * (size_t)t_page,
			      .arg = MREMAP_MAYMOVE | MREMAP_FIXED,
			      .new_addr = base + 8 * t_page };
	ev_do(fd, (uintptr_t)base, &c, "mremap +0..+4 to +8", out, sizeof(out));
	CHECK_MSG(c.ret == base + 8 * t_page, "mremap: %p errno %s", c.ret,
		  t_errname(c.err));
	CHECK_STR(out, "REMAP +0->+8 len 4; UNMAP +0..+4");

	CHECK_EQ(base[8 * t_page + 3], 0x44);
	t_touch_start(&t, base + 10 * t_page + 5, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)base, &m);
	printf("read new page 2: %s\n", s);
	CHECK_STR(s, "PF +10 0");
	CHECK_OK(t_copy_byte(fd, base + 10 * t_page, 0x45, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x45);
	t_touch_join(&t);
	ev_none(fd, "end");
	close(fd);
	return 0;
}
