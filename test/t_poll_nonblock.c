/* O_NONBLOCK uffd: poll reports POLLIN exactly while a message is unread, 0 once it is read (fault still unresolved), and never POLLOUT/POLLPRI. */
#include "harness.h"

static int poll_now(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int r = poll(&pfd, 1, 0);

	CHECK(r >= 0);
	return r ? pfd.revents : 0;
}

int main(void)
{
	const short all = POLLIN | POLLOUT | POLLPRI | POLLRDNORM | POLLWRNORM;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	CHECK_HEX(poll_now(fd, POLLIN), 0);
	CHECK_HEX(poll_now(fd, all), 0);
	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 0, 0);
	CHECK_HEX(t_poll(fd, POLLIN, 5000), POLLIN);
	CHECK_HEX(poll_now(fd, POLLIN | POLLOUT | POLLPRI), POLLIN);
	CHECK_HEX(poll_now(fd, POLLOUT), 0);
	CHECK_EQ(read(fd, &m, sizeof(m)), (ssize_t)sizeof(m));
	CHECK(!t_touch_done(&t));
	CHECK_HEX(poll_now(fd, POLLIN | POLLOUT | POLLPRI), 0);
	CHECK_OK(t_copy_byte(fd, p, 0x10, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_HEX(poll_now(fd, POLLIN), 0);
	close(fd);
	return 0;
}
