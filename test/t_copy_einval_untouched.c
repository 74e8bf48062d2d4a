/*
 * UFFDIO_COPY argument validation (spec 7.1, 7.4): dst unaligned, len 0,
 * len not a page multiple, unknown mode bit (4), dst or src >= TASK_SIZE,
 * src in kernel space, len 2^50 -> EINVAL with the `copy` field left
 * untouched (the sentinel survives), and nothing is installed.
 */
#include "harness.h"

#define TASK_SIZE_4L 0x7ffffffff000ULL
#define SENTINEL 0x7777

static void expect_einval(int fd, uint64_t dst, uint64_t src, uint64_t len,
			  uint64_t mode, int line)
{
	struct uffdio_copy c = { .dst = dst, .src = src, .len = len, .mode = mode,
				 .copy = SENTINEL };
	int r;

	errno = 0;
	r = uffd_ioctl(fd, UFFDIO_COPY, &c);
	CHECK_MSG(r == -1 && errno == EINVAL,
		  "line %d: COPY returned %d errno %s, expected EINVAL", line, r,
		  t_errname(errno));
	CHECK_MSG(c.copy == SENTINEL, "line %d: copy field %lld, expected untouched",
		  line, (long long)c.copy);
}

int main(void)
{
	uint64_t ps;
	char *p, *src;
	int fd;

	t_init(30);
	ps = (uint64_t)t_page;
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	src = t_map(2);
	memset(src, 0x42, 2 * ps);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);

	uint64_t d = (uintptr_t)p, s = (uintptr_t)src;

	expect_einval(fd, d + 1, s, ps, 0, __LINE__);		/* dst unaligned */
	expect_einval(fd, d + 8, s, ps, 0, __LINE__);
	expect_einval(fd, d, s, 0, 0, __LINE__);		/* len 0 */
	expect_einval(fd, d, s, ps + 1, 0, __LINE__);		/* len not page multiple */
	expect_einval(fd, d, s, ps - 1, 0, __LINE__);
	expect_einval(fd, d, s, ps, 4, __LINE__);		/* unknown mode bit */
	expect_einval(fd, d, s, ps, 1ULL << 63, __LINE__);
	expect_einval(fd, TASK_SIZE_4L, s, ps, 0, __LINE__);	/* dst >= TASK_SIZE */
	expect_einval(fd, d, TASK_SIZE_4L, ps, 0, __LINE__);	/* src >= TASK_SIZE */
	expect_einval(fd, d, 0xffffffff81000000ULL, ps, 0, __LINE__); /* kernel src */
	expect_einval(fd, d, s, 1ULL << 50, 0, __LINE__);	/* len 2^50 */

	/* Nothing was installed: a valid COPY into page 0 now succeeds. */
	struct uffdio_copy c = { .dst = d, .src = s, .len = ps, .copy = SENTINEL };

	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, (long long)ps);
	CHECK_EQ(p[0], 0x42);
	CHECK_EQ(p[ps - 1], 0x42);
	close(fd);
	return 0;
}
