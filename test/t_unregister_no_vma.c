/* UFFDIO_UNREGISTER of a range intersecting no mapping fails EINVAL. */
#include "harness.h"

int main(void)
{
	struct uffdio_range r;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	CHECK_HEX(t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_OK(munmap(p, 3 * (size_t)t_page));
	r = (struct uffdio_range){ (uintptr_t)p, 3 * (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, &r), EINVAL);
	r = (struct uffdio_range){ (uintptr_t)p + t_page, (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, &r), EINVAL);
	close(fd);
	return 0;
}
