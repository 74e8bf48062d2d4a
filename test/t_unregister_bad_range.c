/* UFFDIO_UNREGISTER validates its range like REGISTER (EINVAL) and its pointer (EFAULT); a failed call leaves the registration in place. */
#include "harness.h"

static void expect_einval(int fd, uint64_t start, uint64_t len)
{
	struct uffdio_range r = { start, len };
	int ret, e;

	errno = 0;
	ret = uffd_ioctl(fd, UFFDIO_UNREGISTER, &r);
	e = errno;
	CHECK_MSG(ret == -1 && e == EINVAL, "UNREGISTER(%#llx, %#llx) = %d %s, expected EINVAL",
		  (unsigned long long)start, (unsigned long long)len, ret, t_errname(e));
}

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	uint64_t a;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	a = (uintptr_t)p;
	CHECK_HEX(t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	expect_einval(fd, a + 1, (uint64_t)t_page);
	expect_einval(fd, a, (uint64_t)t_page + 1);
	expect_einval(fd, a, 3 * (uint64_t)t_page - 0x10);
	expect_einval(fd, a, 0);
	expect_einval(fd, 0x7ffffffff000ULL, (uint64_t)t_page);
	expect_einval(fd, 0x800000000000ULL, (uint64_t)t_page);
	expect_einval(fd, a, 0x7ffffffff000ULL);
	expect_einval(fd, a, (uint64_t)-(int64_t)t_page);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, NULL), EFAULT);

	/* Still registered everywhere. */
	t_touch_start(&t, p + 3 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, a + 3 * t_page);
	CHECK_OK(t_copy_byte(fd, p + 3 * t_page, 0x13, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x13);
	t_touch_join(&t);
	close(fd);
	return 0;
}
