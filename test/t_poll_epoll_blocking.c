/*
 * epoll on an initialized uffd without O_NONBLOCK reports EPOLLERR
 * (level-triggered, every time), even with only EPOLLIN requested.
 */
#include "harness.h"
#include <sys/epoll.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[2];
	int fd, ep, i;

	t_init(60);
	fd = t_open_api(O_CLOEXEC, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	ev.data.fd = fd;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	for (i = 0; i < 3; i++) {
		CHECK_EQ(epoll_wait(ep, out, 2, 10000), 1);
		CHECK_HEX(out[0].events, EPOLLERR);
		CHECK_EQ(out[0].data.fd, fd);
	}
	close(ep);
	close(fd);
	return 0;
}
