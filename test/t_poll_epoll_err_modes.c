/* SPDX-License-Identifier: MIT */
/*
 * epoll and a uffd whose poll answer is EPOLLERR (before UFFDIO_API, or
 * without O_NONBLOCK), as the kernel's epoll treats it: listed when added
 * or modified; edge-triggered, reported once; EPOLLONESHOT, once until the
 * next EPOLL_CTL_MOD; with no events asked, EPOLLERR all the same; made
 * non-blocking and modified, no longer reported; a second descriptor of
 * the same uffd is an item of its own.
 */
#include "harness.h"
#include <sys/epoll.h>

/* EPOLL_CTL_@op of @fd for @events: then one report, EPOLLERR, with @data. */
static void ctl_then_err(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data }, out[4];

	CHECK_OK(epoll_ctl(ep, op, fd, &ev));
	CHECK_EQ(epoll_wait(ep, out, 4, 5000), 1);
	CHECK_HEX(out[0].events, EPOLLERR);
	CHECK_EQ(out[0].data.u64, data);
}

int main(void)
{
	struct epoll_event ev, out[4];
	int fd, ep, d;

	t_init(60);
	fd = t_open(O_CLOEXEC);		/* no UFFDIO_API yet */
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK_OK(ep);

	ctl_then_err(ep, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLET, 7);
	CHECK_EQ(epoll_wait(ep, out, 4, 50), 0);

	ctl_then_err(ep, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLONESHOT, 8);
	CHECK_EQ(epoll_wait(ep, out, 4, 50), 0);

	ctl_then_err(ep, EPOLL_CTL_MOD, fd, 0, 9);

	/* Initialized and non-blocking: nothing queued, nothing to report. */
	CHECK_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	{
		struct uffdio_api api = { .api = UFFD_API };

		CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	}
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 10 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev));
	CHECK_EQ(epoll_wait(ep, out, 4, 50), 0);

	/* Blocking again, modified: EPOLLERR, level-triggered. */
	CHECK_OK(fcntl(fd, F_SETFL, 0));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev));
	CHECK_EQ(epoll_wait(ep, out, 4, 5000), 1);
	CHECK_HEX(out[0].events, EPOLLERR);
	CHECK_EQ(epoll_wait(ep, out, 4, 5000), 1);

	/* A dup is another item; both stay while the file is open. */
	d = dup(fd);
	CHECK_OK(d);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 11 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, d, &ev));
	CHECK_EQ(epoll_wait(ep, out, 4, 5000), 2);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, d, &ev), EEXIST);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL));
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL), ENOENT);
	CHECK_EQ(epoll_wait(ep, out, 4, 5000), 1);
	CHECK_EQ(out[0].data.u64, 10);

	close(ep);
	close(d);
	close(fd);
	return 0;
}
