/*
 * UFFDIO_ZEROPAGE argument validation (spec 7.1, 7.5): unknown mode bit
 * (2), unaligned start, len 0, len not a page multiple, start >= TASK_SIZE,
 * len 2^50 -> EINVAL with the `zeropage` field untouched; nothing installed.
 */
#include "harness.h"

#define TASK_SIZE_4L 0x7ffffffff000ULL
#define SENTINEL 0x7777

static void expect_einval(int fd, uint64_t start, uint64_t len, uint64_t mode,
			  int line)
{
	struct uffdio_zeropage z = { .range = { start, len }, .mode = mode,
				     .zeropage = SENTINEL };
	int r;

	errno = 0;
	r = uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z);
	CHECK_MSG(r == -1 && errno == EINVAL,
		  "line %d: ZEROPAGE returned %d errno %s, expected EINVAL", line,
		  r, t_errname(errno));
	CHECK_MSG(z.zeropage == SENTINEL,
		  "line %d: zeropage field %lld, expected untouched", line,
		  (long long)z.zeropage);
}

int main(void)
{
	struct uffdio_zeropage z;
	uint64_t ps, d;
	char *p;
	int fd;

	t_init(30);
	ps = (uint64_t)t_page;
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	d = (uintptr_t)p;
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	expect_einval(fd, d, ps, 2, __LINE__);		/* unknown mode bit */
	expect_einval(fd, d, ps, 4, __LINE__);
	expect_einval(fd, d + 1, ps, 0, __LINE__);	/* unaligned */
	expect_einval(fd, d, 0, 0, __LINE__);		/* len 0 */
	expect_einval(fd, d, ps + 1, 0, __LINE__);	/* len not page multiple */
	expect_einval(fd, TASK_SIZE_4L, ps, 0, __LINE__);
	expect_einval(fd, d, 1ULL << 50, 0, __LINE__);

	/* Nothing installed: page 0 is still missing. */
	CHECK_OK(t_copy_byte(fd, p, 0x12, 0));
	CHECK_EQ(p[0], 0x12);
	z = (struct uffdio_zeropage){ .range = { d + ps, ps }, .zeropage = SENTINEL };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z));
	CHECK_EQ(z.zeropage, t_page);
	close(fd);
	return 0;
}
