/* UFFDIO_REGISTER of a range that intersects no mapping fails EINVAL, `ioctls` untouched. */
#include "harness.h"

int main(void)
{
	struct uffdio_register reg;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	CHECK_OK(munmap(p, 4 * (size_t)t_page));
	reg = (struct uffdio_register){ { (uintptr_t)p, 4 * (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0x1234 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
	CHECK_HEX(reg.ioctls, 0x1234);
	reg.range.start = (uintptr_t)p + t_page;
	reg.range.len = (uint64_t)t_page;
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
	CHECK_HEX(reg.ioctls, 0x1234);
	/* Nothing got mapped by the attempt. */
	CHECK_ERR(msync(p, 4 * (size_t)t_page, MS_ASYNC), ENOMEM);
	close(fd);
	return 0;
}
