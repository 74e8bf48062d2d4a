/* O_NONBLOCK is evaluated at poll time: toggling it with fcntl flips poll between POLLERR and the real readiness. */
#include "harness.h"

static int poll_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r = poll(&pfd, 1, 0);

	CHECK(r >= 0);
	return r ? pfd.revents : 0;
}

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd, fl;

	t_init(30);
	fd = t_open_api(O_CLOEXEC, 0);
	fl = fcntl(fd, F_GETFL);
	CHECK_HEX(poll_now(fd), POLLERR);
	CHECK_OK(fcntl(fd, F_SETFL, fl | O_NONBLOCK));
	CHECK_HEX(poll_now(fd), 0);

	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 0, 0);
	CHECK_HEX(t_poll(fd, POLLIN, 5000), POLLIN);
	CHECK_OK(fcntl(fd, F_SETFL, fl));
	CHECK_HEX(poll_now(fd), POLLERR);
	CHECK_OK(fcntl(fd, F_SETFL, fl | O_NONBLOCK));
	CHECK_HEX(poll_now(fd), POLLIN);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(poll_now(fd), 0);
	CHECK_OK(fcntl(fd, F_SETFL, fl));
	CHECK_HEX(poll_now(fd), POLLERR);

	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
