/*
 * UFFDIO_COPY of 2 pages whose 2nd page is present (spec 7.1, 7.4): the
 * operation stops there and reports a partial result: -1/EAGAIN with
 * copy == 4096; the 1st page holds the new data, the 2nd is unchanged.
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
	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x55, 0));

	memset(src, 0xa1, (size_t)t_page);
	memset(src + t_page, 0xa2, (size_t)t_page);
	c = (struct uffdio_copy){ .dst = (uintptr_t)p + (uintptr_t)t_page,
				  .src = (uintptr_t)src, .len = 2 * (uint64_t)t_page,
				  .copy = 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EAGAIN);
	CHECK_EQ(c.copy, t_page);
	CHECK_EQ((unsigned char)p[t_page], 0xa1);
	CHECK_EQ((unsigned char)p[2 * t_page - 1], 0xa1);
	CHECK_EQ(p[2 * t_page], 0x55);
	CHECK_EQ(p[3 * t_page - 1], 0x55);
	close(fd);
	return 0;
}
