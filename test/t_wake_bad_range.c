/* UFFDIO_WAKE validates its range: len 0, unaligned start/len, start >= TASK_SIZE, overflow -> EINVAL; NULL -> EFAULT. */
#include "harness.h"

static void expect_einval(int fd, uint64_t start, uint64_t len)
{
	struct uffdio_range r = { start, len };
	int ret, e;

	errno = 0;
	ret = uffd_ioctl(fd, UFFDIO_WAKE, &r);
	e = errno;
	CHECK_MSG(ret == -1 && e == EINVAL, "WAKE(%#llx, %#llx) = %d %s, expected EINVAL",
		  (unsigned long long)start, (unsigned long long)len, ret, t_errname(e));
}

int main(void)
{
	uint64_t a;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	a = (uintptr_t)p;
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	expect_einval(fd, a, 0);
	expect_einval(fd, 0, 0);
	expect_einval(fd, a + 1, (uint64_t)t_page);
	expect_einval(fd, a, (uint64_t)t_page + 1);
	expect_einval(fd, a, 1);
	expect_einval(fd, 0x7ffffffff000ULL, (uint64_t)t_page);
	expect_einval(fd, 0x800000000000ULL, (uint64_t)t_page);
	expect_einval(fd, 0x7fffffffe000ULL, 2 * (uint64_t)t_page);
	expect_einval(fd, a, (uint64_t)-(int64_t)t_page);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WAKE, NULL), EFAULT);
	close(fd);
	return 0;
}
