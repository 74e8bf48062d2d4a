/*
 * mremap(MREMAP_DONTUNMAP) of a registered range (spec 11.3) gives REMAP
 * only (from, to, len), no UNMAP: the old range stays mapped, empty.  The
 * moved page keeps its contents at the new place and the missing pages
 * there still fault; the emptied old range is still registered too: its
 * pages fault MISSING at the old addresses.
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
	ev_map_at(base, 2);
	t_register(fd, base, 2, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, base, 0x46, 0));

	c = (struct ev_call){ .op = EV_MREMAP, .addr = base, .len = 2 * (size_t)t_page,
			      .new_len = 2 * (size_t)t_page,
			      .arg = MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
			      .new_addr = base + 8 * t_page };
	ev_do(fd, (uintptr_t)base, &c, "mremap DONTUNMAP +0..+2 to +8", out, sizeof(out));
	CHECK_MSG(c.ret == base + 8 * t_page, "mremap: %p errno %s", c.ret,
		  t_errname(c.err));
	CHECK_STR(out, "REMAP +0->+8 len 2");

	CHECK_EQ(base[8 * t_page + 3], 0x46);
	t_touch_start(&t, base + 9 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)base, &m);
	printf("read new page 1: %s\n", s);
	CHECK_STR(s, "PF +9 0");
	CHECK_OK(t_copy_byte(fd, base + 9 * t_page, 0x47, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x47);
	t_touch_join(&t);

	/* The old range: mapped, empty, registered. */
	t_touch_start(&t, base, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)base, &m);
	printf("read old page 0: %s\n", s);
	CHECK_STR(s, "PF +0 0");
	CHECK_OK(t_copy_byte(fd, base, 0x48, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x48);
	t_touch_join(&t);
	CHECK_EQ(base[8 * t_page], 0x46);
	ev_none(fd, "end");
	close(fd);
	return 0;
}
