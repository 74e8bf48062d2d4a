/* SPDX-License-Identifier: MIT */
/*
 * An epoll set waited on through a dup of its descriptor is the same set:
 * a fault queued on a non-blocking uffd in it is reported there with the
 * caller's data and EPOLLIN; once the message is read, nothing.
 */
#include "harness.h"
#include <sys/epoll.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, out[2];
	struct t_toucher t;
	struct uffd_msg m;
	int fd, ep, ep2;
	char *p;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK_OK(ep);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	ep2 = fcntl(ep, F_DUPFD_CLOEXEC, 100);
	CHECK_OK(ep2);
	CHECK_EQ(epoll_wait(ep2, out, 2, 0), 0);

	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);
	t_touch_start(&t, p, 0, 0);
	CHECK_EQ(epoll_wait(ep2, out, 2, 5000), 1);
	CHECK_HEX(out[0].events, EPOLLIN);
	CHECK_EQ(out[0].data.u64, 42);
	CHECK_EQ(read(fd, &m, sizeof(m)), (ssize_t)sizeof(m));
	CHECK_EQ(epoll_wait(ep2, out, 2, 50), 0);
	CHECK_OK(t_copy_byte(fd, p, 0x2a, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(ep2);
	close(ep);
	close(fd);
	return 0;
}
