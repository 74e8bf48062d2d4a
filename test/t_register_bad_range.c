/* UFFDIO_REGISTER range validation: unaligned start/len, len 0, start >= TASK_SIZE, len overflow -> EINVAL, `ioctls` untouched. */
#include "harness.h"

static void expect_einval(int fd, uint64_t start, uint64_t len)
{
	struct uffdio_register reg = { { start, len }, UFFDIO_REGISTER_MODE_MISSING, 0x1234 };
	int r, e;

	errno = 0;
	r = uffd_ioctl(fd, UFFDIO_REGISTER, &reg);
	e = errno;
	CHECK_MSG(r == -1 && e == EINVAL, "REGISTER(%#llx, %#llx) = %d %s, expected EINVAL",
		  (unsigned long long)start, (unsigned long long)len, r, t_errname(e));
	CHECK_HEX(reg.ioctls, 0x1234);
	CHECK_HEX(reg.range.start, start);
	CHECK_HEX(reg.range.len, len);
}

int main(void)
{
	struct t_toucher t;
	uint64_t a;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	a = (uintptr_t)p;
	expect_einval(fd, a + 1, (uint64_t)t_page);
	expect_einval(fd, a + 0x800, (uint64_t)t_page);
	expect_einval(fd, a, (uint64_t)t_page + 1);
	expect_einval(fd, a, (uint64_t)t_page - 1);
	expect_einval(fd, a, 0);
	expect_einval(fd, 0x7ffffffff000ULL, (uint64_t)t_page);
	expect_einval(fd, 0x800000000000ULL, (uint64_t)t_page);
	expect_einval(fd, 0xfffffffffffff000ULL, (uint64_t)t_page);
	/* end beyond TASK_SIZE, and start + len wrapping around */
	expect_einval(fd, a, 0x7ffffffff000ULL);
	expect_einval(fd, 0x7fffffffe000ULL, 2 * (uint64_t)t_page);
	expect_einval(fd, a, (uint64_t)-(int64_t)t_page);
	expect_einval(fd, a, 0xfffffffffffff000ULL - a + 0x2000);

	/* Nothing got registered. */
	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
