/*
 * UFFDIO_COPY of 2 pages whose 1st page is present (spec 7.4): EEXIST with
 * copy == -17 (nothing done, so no partial count); the 2nd page is still
 * missing (a later single-page COPY into it succeeds).
 */
#include "harness.h"

int main(void)
{
	struct uffdio_copy c;
	char *p, *src;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	src = t_map(2);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x55, 0));

	memset(src, 0xb1, 2 * (size_t)t_page);
	c = (struct uffdio_copy){ .dst = (uintptr_t)p + (uintptr_t)t_page,
				  .src = (uintptr_t)src, .len = 2 * (uint64_t)t_page,
				  .copy = 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EEXIST);
	CHECK_EQ(c.copy, -17);
	CHECK_EQ(p[t_page], 0x55);

	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x66, 0));
	CHECK_EQ(p[2 * t_page], 0x66);
	CHECK_EQ(p[t_page], 0x55);
	close(fd);
	return 0;
}
