/* write() on a uffd fails EBADF (the descriptor is read-only), before and after the handshake, for any count. */
#include "harness.h"

int main(void)
{
	struct uffdio_api api = { UFFD_API, 0, 0 };
	struct uffd_msg m;
	int fd;

	t_init(30);
	memset(&m, 0, sizeof(m));
	m.event = UFFD_EVENT_PAGEFAULT;
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	CHECK_ERR(write(fd, &m, sizeof(m)), EBADF);
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_ERR(write(fd, &m, sizeof(m)), EBADF);
	CHECK_ERR(write(fd, &m, 0), EBADF);
	CHECK_ERR(write(fd, &m, 1), EBADF);
	/* Nothing was queued by those attempts. */
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);
	close(fd);
	return 0;
}
