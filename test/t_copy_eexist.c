/*
 * UFFDIO_COPY onto a page that is already present (spec 7.4): EEXIST with
 * copy == -17, and the existing contents are left as they were.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_copy c;
	char *p, *src;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	src = t_map(1);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	memset(src, 0x11, (size_t)t_page);
	c = (struct uffdio_copy){ .dst = (uintptr_t)p, .src = (uintptr_t)src,
				  .len = (uint64_t)t_page, .copy = 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);

	memset(src, 0x22, (size_t)t_page);
	c.copy = 0x7777;
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EEXIST);
	CHECK_EQ(c.copy, -EEXIST);
	CHECK_EQ(p[0], 0x11);
	CHECK_EQ(p[t_page - 1], 0x11);

	/* A page populated by the program itself (after a resolved fault) too. */
	p[0] = 0x33;
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EEXIST);
	CHECK_EQ(c.copy, -17);
	CHECK_EQ(p[0], 0x33);
	CHECK_EQ(p[1], 0x11);
	close(fd);
	return 0;
}
