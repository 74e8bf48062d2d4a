/*
 * UFFDIO_COPY from an unmapped source (spec 7.4): EFAULT with copy == -14;
 * the destination page is still missing afterwards (a later COPY from a
 * valid source succeeds and its data is what the page holds).
 */
#include "harness.h"

int main(void)
{
	struct uffdio_copy c;
	char *p, *bad;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	bad = t_hole();

	c = (struct uffdio_copy){ .dst = (uintptr_t)p, .src = (uintptr_t)bad,
				  .len = (uint64_t)t_page, .copy = 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EFAULT);
	CHECK_EQ(c.copy, -EFAULT);

	CHECK_OK(t_copy_byte(fd, p, 0x6b, 0));
	CHECK_EQ(p[0], 0x6b);
	CHECK_EQ(p[t_page - 1], 0x6b);
	close(fd);
	return 0;
}
