/*
 * Without UFFD_FEATURE_EVENT_REMAP a moved range loses its registration
 * (spec 11.3): mremap() sends no REMAP (with EVENT_UNMAP requested, the
 * old range still gets its UNMAP); at the new place a populated page
 * keeps its contents and a missing page zero-fills on access, with no
 * message.
 */
#include "events_util.h"

int main(void)
{
	struct ev_call c;
	struct t_toucher t;
	char *base, out[256];
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_UNMAP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_UNMAP);
	base = ev_reserve(16);
	ev_map_at(base, 4);
	t_register(fd, base, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, base, 0x55, 0));

	c = (struct ev_call){ .op = EV_MREMAP, .addr = base, .len = 4 * (size_t)t_page,
			      .new_len = 4 * (size_t)t_page,
			      .arg = MREMAP_MAYMOVE | MREMAP_FIXED,
			      .new_addr = base + 8 * t_page };
	ev_do(fd, (uintptr_t)base, &c, "mremap +0..+4 to +8 (no EVENT_REMAP)", out,
	      sizeof(out));
	CHECK_MSG(c.ret == base + 8 * t_page, "mremap: %p errno %s", c.ret,
		  t_errname(c.err));
	CHECK_STR(out, "UNMAP +0..+4");

	CHECK_EQ(base[8 * t_page + 1], 0x55);
	t_touch_start(&t, base + 9 * t_page, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	t_touch_start(&t, base + 11 * t_page, 1, 0x56);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x56);
	t_touch_join(&t);
	ev_none(fd, "touching the moved pages");
	close(fd);
	return 0;
}
