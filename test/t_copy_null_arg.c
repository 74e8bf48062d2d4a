/*
 * UFFDIO_COPY / UFFDIO_ZEROPAGE with a NULL or unmapped argument pointer
 * (Appendix A): EFAULT, and the destination stays missing.
 */
#include "harness.h"

int main(void)
{
	char *p, *bad;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);
	bad = t_hole();

	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, NULL), EFAULT);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, bad), EFAULT);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, NULL), EFAULT);
	CHECK_OK(t_copy_byte(fd, p, 0x19, 0));
	CHECK_EQ(p[0], 0x19);
	close(fd);
	return 0;
}
