/*
 * UFFDIO_ZEROPAGE on a present page (spec 7.5): a second ZEROPAGE gets
 * EEXIST with zeropage == -17; so does ZEROPAGE over a page filled by
 * COPY, whose data is kept; and COPY over a zero page is EEXIST too.
 */
#include "harness.h"

static void expect_eexist(int fd, void *dst, int line)
{
	struct uffdio_zeropage z = { .range = { (uintptr_t)dst, (uint64_t)t_page },
				     .zeropage = 0x7777 };
	int r;

	errno = 0;
	r = uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z);
	CHECK_MSG(r == -1 && errno == EEXIST,
		  "line %d: ZEROPAGE returned %d errno %s, expected EEXIST", line,
		  r, t_errname(errno));
	CHECK_MSG(z.zeropage == -17, "line %d: zeropage == %lld, expected -17",
		  line, (long long)z.zeropage);
}

int main(void)
{
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	CHECK_OK(t_zeropage(fd, p, 1, 0));
	expect_eexist(fd, p, __LINE__);
	CHECK_ERR(t_copy_byte(fd, p, 0x44, 0), EEXIST);
	CHECK_EQ(p[0], 0);

	CHECK_OK(t_copy_byte(fd, p + t_page, 0x45, 0));
	expect_eexist(fd, p + t_page, __LINE__);
	CHECK_EQ(p[t_page], 0x45);
	CHECK_EQ(p[2 * t_page - 1], 0x45);
	close(fd);
	return 0;
}
