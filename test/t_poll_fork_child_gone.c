/* SPDX-License-Identifier: MIT */
/*
 * The uffd of a fork() child (EVENT_FORK) after the child has exited: as
 * with the kernel, it is never ready again.  poll(), ppoll() and
 * epoll_wait() that also wait for another descriptor return when that
 * one is ready -- never 0 before their timeout, never POLLHUP on the uffd
 * -- and a non-blocking read() says EAGAIN.  (The kernel selftests'
 * "sigbus" and "events" handlers poll exactly such a set.)
 */
#include "gone_util.h"
#include <sys/epoll.h>

int main(void)
{
	struct epoll_event ev, out[4];
	struct gone_writer w;
	struct pollfd p[2];
	struct uffd_msg m;
	int cfd, pp[2], ep;

	t_init(60);
	cfd = gone_child_uffd(O_CLOEXEC | O_NONBLOCK);
	CHECK_OK(pipe2(pp, O_CLOEXEC));

	/* Alone, with a timeout: nothing, once the time is up. */
	p[0] = (struct pollfd){ cfd, POLLIN, 0 };
	CHECK_EQ(poll(p, 1, 50), 0);
	CHECK_EQ(p[0].revents, 0);

	/* poll(-1): returns for the pipe only. */
	p[0] = (struct pollfd){ cfd, POLLIN, 0 };
	p[1] = (struct pollfd){ pp[0], POLLIN, 0 };
	gone_writer_start(&w, pp[1]);
	CHECK_EQ(poll(p, 2, -1), 1);
	CHECK_EQ(p[0].revents, 0);
	CHECK_EQ(p[1].revents, POLLIN);
	gone_writer_join(&w, pp[0]);

	/* ppoll(NULL), the same. */
	p[0] = (struct pollfd){ cfd, POLLIN, 0 };
	p[1] = (struct pollfd){ pp[0], POLLIN, 0 };
	gone_writer_start(&w, pp[1]);
	CHECK_EQ(ppoll(p, 2, NULL, NULL), 1);
	CHECK_EQ(p[0].revents, 0);
	CHECK_EQ(p[1].revents, POLLIN);
	gone_writer_join(&w, pp[0]);

	/* epoll_wait(-1), the same. */
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK_OK(ep);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 1 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev));
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 2 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &ev));
	gone_writer_start(&w, pp[1]);
	CHECK_EQ(epoll_wait(ep, out, 4, -1), 1);
	CHECK_EQ(out[0].data.u64, 2);
	CHECK_HEX(out[0].events, EPOLLIN);
	gone_writer_join(&w, pp[0]);
	CHECK_EQ(epoll_wait(ep, out, 4, 50), 0);

	CHECK_ERR(read(cfd, &m, sizeof(m)), EAGAIN);
	close(ep);
	close(pp[0]);
	close(pp[1]);
	close(cfd);
	return 0;
}
