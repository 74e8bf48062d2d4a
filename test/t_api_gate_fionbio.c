/* Before UFFDIO_API the VFS-level ioctls (FIONBIO, FIOCLEX, FIONCLEX) still work. */
#include "harness.h"
#include <sys/ioctl.h>

int main(void)
{
	int fd, on = 1, off = 0;
	char buf[32];

	t_init(30);
	fd = t_open(0);
	CHECK_OK(uffd_ioctl(fd, FIONBIO, &on));
	CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	CHECK_OK(uffd_ioctl(fd, FIONBIO, &off));
	CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	CHECK_OK(uffd_ioctl(fd, FIOCLEX, NULL));
	CHECK_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	CHECK_OK(uffd_ioctl(fd, FIONCLEX, NULL));
	CHECK_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	/* ...and did not open the gate. */
	CHECK_ERR(read(fd, buf, sizeof(buf)), EINVAL);
	close(fd);
	return 0;
}
