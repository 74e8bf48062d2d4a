/*
 * UFFDIO_COPY_MODE_WP into a VMA registered for MISSING only (spec 7.3,
 * 7.4): an error found inside the operation, so EINVAL *with* copy == -22
 * written; the page stays missing (a plain COPY then succeeds).
 */
#include "harness.h"

int main(void)
{
	struct uffdio_copy c;
	char *p, *src;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	src = t_map(1);
	memset(src, 0x2d, (size_t)t_page);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);

	c = (struct uffdio_copy){ .dst = (uintptr_t)p, .src = (uintptr_t)src,
				  .len = (uint64_t)t_page,
				  .mode = UFFDIO_COPY_MODE_WP, .copy = 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EINVAL);
	CHECK_EQ(c.copy, -22);

	c.mode = 0;
	c.copy = 0x7777;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	CHECK_EQ(p[100], 0x2d);
	close(fd);
	return 0;
}
