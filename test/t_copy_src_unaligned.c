/*
 * UFFDIO_COPY with a source address that is not page aligned (spec 7.4):
 * only dst must be aligned; src + 1 is accepted and the page receives the
 * bytes starting at src + 1 (copy == 4096).
 */
#include "harness.h"

int main(void)
{
	struct uffdio_copy c;
	unsigned char *p, *src;
	long i;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	src = t_map(2);
	for (i = 0; i < 2 * t_page; i++)
		src[i] = (unsigned char)(i * 7 + 3);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);

	c = (struct uffdio_copy){ .dst = (uintptr_t)p, .src = (uintptr_t)src + 1,
				  .len = (uint64_t)t_page, .copy = 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	for (i = 0; i < t_page; i++)
		CHECK_MSG(p[i] == src[i + 1], "byte %ld: %#x, expected %#x", i,
			  p[i], src[i + 1]);
	close(fd);
	return 0;
}
