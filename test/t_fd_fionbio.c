/* FIONBIO through uffd_ioctl toggles O_NONBLOCK on an initialized uffd, and read/poll follow it. */
#include "harness.h"
#include <sys/ioctl.h>

int main(void)
{
	struct pollfd pfd;
	struct uffd_msg m;
	int fd, on = 1, off = 0;

	t_init(30);
	fd = t_open_api(O_CLOEXEC, 0);
	CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	CHECK_OK(uffd_ioctl(fd, FIONBIO, &on));
	CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	CHECK_EQ(poll(&pfd, 1, 0), 0);
	CHECK_OK(uffd_ioctl(fd, FIONBIO, &off));
	CHECK_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	CHECK_EQ(poll(&pfd, 1, 0), 1);
	CHECK_HEX(pfd.revents, POLLERR);
	close(fd);
	return 0;
}
