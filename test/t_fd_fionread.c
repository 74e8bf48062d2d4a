/* FIONREAD is not supported on a uffd: EINVAL before and after the handshake, also with a message queued. */
#include "harness.h"
#include <sys/ioctl.h>

int main(void)
{
	struct uffdio_api api = { UFFD_API, 0, 0 };
	struct t_toucher t;
	struct uffd_msg m;
	int fd, n = 0x5a5a;
	char *p;

	t_init(30);
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	CHECK_ERR(uffd_ioctl(fd, FIONREAD, &n), EINVAL);
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_ERR(uffd_ioctl(fd, FIONREAD, &n), EINVAL);
	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 0, 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	CHECK_ERR(uffd_ioctl(fd, FIONREAD, &n), EINVAL);
	CHECK_EQ(n, 0x5a5a);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
