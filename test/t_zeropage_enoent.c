/*
 * UFFDIO_ZEROPAGE outside registered memory (spec 7.3, 7.5): a mapped but
 * unregistered page, an unmapped page and a range crossing the end of the
 * registered VMA all give ENOENT with zeropage == -2.
 */
#include "harness.h"

static void expect_enoent(int fd, void *dst, size_t npages, int line)
{
	struct uffdio_zeropage z = {
		.range = { (uintptr_t)dst, npages * (uint64_t)t_page },
		.zeropage = 0x7777 };
	int r;

	errno = 0;
	r = uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z);
	CHECK_MSG(r == -1 && errno == ENOENT,
		  "line %d: ZEROPAGE returned %d errno %s, expected ENOENT", line,
		  r, t_errname(errno));
	CHECK_MSG(z.zeropage == -2, "line %d: zeropage == %lld, expected -2",
		  line, (long long)z.zeropage);
}

int main(void)
{
	char *p, *hole;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	p[3 * t_page] = 8;	/* present, unregistered */

	expect_enoent(fd, p + 2 * t_page, 1, __LINE__);
	expect_enoent(fd, p + 3 * t_page, 1, __LINE__);
	expect_enoent(fd, p + t_page, 2, __LINE__);
	hole = t_hole();
	expect_enoent(fd, hole, 1, __LINE__);

	CHECK_EQ(p[3 * t_page], 8);
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));	/* page 1 was untouched */
	close(fd);
	return 0;
}
