/*
 * UFFDIO_POISON argument validation (spec 7.1, 7.7): mode 2 (or any bit
 * other than DONTWAKE), unaligned start, len 0, unaligned len and a range
 * beyond TASK_SIZE fail with EINVAL and leave the updated field untouched;
 * nothing is poisoned (a COPY into the page then succeeds).
 */
#include "harness.h"

static int fd;

static void bad(uint64_t start, uint64_t len, uint64_t mode)
{
	struct uffdio_poison po = { { start, len }, mode, 0x7777 };

	CHECK_ERR(uffd_ioctl(fd, UFFDIO_POISON, &po), EINVAL);
	CHECK_EQ(po.updated, 0x7777);
	CHECK_HEX(po.range.start, start);
	CHECK_HEX(po.range.len, len);
	CHECK_HEX(po.mode, mode);
}

int main(void)
{
	uint64_t a, ps;
	char *p;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	a = (uintptr_t)p;
	ps = (uint64_t)t_page;

	bad(a, ps, 2);
	bad(a, ps, 3);
	bad(a, ps, 1ULL << 63);
	bad(a + 1, ps, 0);
	bad(a + ps / 2, ps, 0);
	bad(a, 0, 0);
	bad(a, ps + 1, 0);
	bad(a, ps / 2, 0);
	bad(0x7ffffffff000ULL, ps, 0);
	bad(a, 1ULL << 50, 0);

	CHECK_OK(t_copy_byte(fd, p, 0x44, 0));
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x45, 0));
	CHECK_EQ(p[1], 0x44);
	CHECK_EQ(p[t_page + 1], 0x45);
	close(fd);
	return 0;
}
