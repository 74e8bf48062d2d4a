/* Before UFFDIO_API poll() reports POLLERR at once, on blocking and non-blocking descriptors. */
#include "harness.h"

static int poll1(int fd, short events, int timeout)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int r = poll(&pfd, 1, timeout);

	CHECK_EQ(r, 1);
	return pfd.revents;
}

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int nb, bl;

	t_init(60);
	nb = t_open(O_CLOEXEC | O_NONBLOCK);
	bl = t_open(O_CLOEXEC);
	/* A long timeout: POLLERR must be reported without waiting for it. */
	CHECK_HEX(poll1(nb, POLLIN, 10000), POLLERR);
	CHECK_HEX(poll1(nb, POLLIN | POLLOUT | POLLPRI, 10000), POLLERR);
	CHECK_HEX(poll1(bl, POLLIN, 10000), POLLERR);
	CHECK_HEX(poll1(nb, 0, 10000), POLLERR);

	/* After the handshake a non-blocking uffd with nothing queued is quiet. */
	CHECK_OK(uffd_ioctl(nb, UFFDIO_API, &api));
	{
		struct pollfd pfd = { .fd = nb, .events = POLLIN };

		CHECK_EQ(poll(&pfd, 1, 0), 0);
	}
	close(nb);
	close(bl);
	return 0;
}
