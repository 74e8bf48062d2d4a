/*
 * UFFDIO_MOVE argument validation (spec 7.1, 7.8): mode 4 (or any bit
 * beyond DONTWAKE|ALLOW_SRC_HOLES), unaligned dst, unaligned src, len 0,
 * unaligned len, dst or src at/after TASK_SIZE fail with EINVAL and the
 * move field untouched; nothing moved (src keeps its data, dst is still
 * missing and a plain MOVE then works).
 */
#include "harness.h"

static int fd;

static void bad(uint64_t dst, uint64_t src, uint64_t len, uint64_t mode)
{
	struct uffdio_move mv = { dst, src, len, mode, 0x7777 };

	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, 0x7777);
	CHECK_HEX(mv.dst, dst);
	CHECK_HEX(mv.src, src);
	CHECK_HEX(mv.len, len);
	CHECK_HEX(mv.mode, mode);
}

int main(void)
{
	struct uffdio_move mv;
	uint64_t d, s, ps;
	char *dst, *src;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(2);
	src = t_map(2);
	memset(src, 0x3e, 2 * (size_t)t_page);
	t_register(fd, dst, 2, UFFDIO_REGISTER_MODE_MISSING);
	d = (uintptr_t)dst;
	s = (uintptr_t)src;
	ps = (uint64_t)t_page;

	bad(d, s, ps, 4);
	bad(d, s, ps, 8);
	bad(d, s, ps, 1ULL << 63);
	bad(d + 1, s, ps, 0);
	bad(d, s + 1, ps, 0);
	bad(d, s + 8, ps, UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES);
	bad(d, s, 0, 0);
	bad(d, s, ps + 1, 0);
	bad(d, s, ps / 2, 0);
	bad(0x7ffffffff000ULL, s, ps, 0);
	bad(d, 0x7ffffffff000ULL, ps, 0);
	bad(d, s, 1ULL << 50, 0);

	CHECK_EQ(src[0], 0x3e);
	mv = (struct uffdio_move){ d, s, 2 * ps, 0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, 2 * t_page);
	CHECK_EQ(dst[0], 0x3e);
	CHECK_EQ(dst[2 * t_page - 1], 0x3e);
	close(fd);
	return 0;
}
