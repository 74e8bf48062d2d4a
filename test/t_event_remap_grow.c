/*
 * mremap() growth (spec 11.3): growing a registered range in place gives
 * no event and the grown tail is registered (it faults MISSING); growing
 * while moving gives REMAP with len = the old length, then UNMAP of the
 * old range, and the whole new range, tail included, is registered.
 */
#include "events_util.h"

static void fault_at(int fd, char *base, int page, const char *expect, int byte)
{
	struct t_toucher t;
	struct uffd_msg m;
	char s[96];

	t_touch_start(&t, base + page * t_page + 11, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)base, &m);
	printf("read page %+d: %s\n", page, s);
	CHECK_STR(s, expect);
	CHECK_OK(t_copy_byte(fd, base + page * t_page, byte, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, byte);
	t_touch_join(&t);
}

int main(void)
{
	struct ev_call c;
	char *base, out[256];
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_UNMAP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK,
			UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_UNMAP);
	base = ev_reserve(32);
	ev_map_at(base, 4);
	CHECK_OK(munmap(base + 4 * t_page, 4 * (size_t)t_page));	/* room to grow */
	t_register(fd, base, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, base, 0x49, 0));

	c = (struct ev_call){ .op = EV_MREMAP, .addr = base, .len = 4 * (size_t)t_page,
			      .new_len = 6 * (size_t)t_page };
	CHECK_EQ(ev_do(fd, (uintptr_t)base, &c, "mremap grow 4->6 in place", out,
		       sizeof(out)), 0);
	CHECK_MSG(c.ret == base, "mremap: %p errno %s", c.ret, t_errname(c.err));
	fault_at(fd, base, 5, "PF +5 0", 0x4a);
	fault_at(fd, base, 3, "PF +3 0", 0x4b);

	c = (struct ev_call){ .op = EV_MREMAP, .addr = base, .len = 6 * (size_t)t_page,
			      .new_len = 8 * (size_t)t_page,
			      .arg = MREMAP_MAYMOVE | MREMAP_FIXED,
			      .new_addr = base + 16 * t_page };
	ev_do(fd, (uintptr_t)base, &c, "mremap grow 6->8 moving to +16", out, sizeof(out));
	CHECK_MSG(c.ret == base + 16 * t_page, "mremap: %p errno %s", c.ret,
		  t_errname(c.err));
	CHECK_STR(out, "REMAP +0->+16 len 6; UNMAP +0..+6");
	CHECK_EQ(base[16 * t_page], 0x49);
	CHECK_EQ(base[21 * t_page], 0x4a);
	fault_at(fd, base, 23, "PF +23 0", 0x4c);
	fault_at(fd, base, 17, "PF +17 0", 0x4d);
	ev_none(fd, "end");
	close(fd);
	return 0;
}
