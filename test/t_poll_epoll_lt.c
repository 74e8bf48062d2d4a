/* Level-triggered epoll on an O_NONBLOCK uffd reports EPOLLIN on every wait until the message is read, then nothing. */
#include "harness.h"
#include <sys/epoll.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[2];
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd, ep, i;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	ev.data.fd = fd;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);

	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 0, 0);
	CHECK_EQ(epoll_wait(ep, out, 2, 5000), 1);
	CHECK_HEX(out[0].events, EPOLLIN);
	CHECK_EQ(out[0].data.fd, fd);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
		CHECK_HEX(out[0].events, EPOLLIN);
	}
	CHECK_EQ(read(fd, &m, sizeof(m)), (ssize_t)sizeof(m));
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
	close(ep);
	close(fd);
	return 0;
}
