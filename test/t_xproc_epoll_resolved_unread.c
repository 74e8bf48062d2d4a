/* SPDX-License-Identifier: MIT */
/*
 * A fault resolved before its message was read leaves no trace in epoll
 * (spec 9.3, 10.2), also when the uffd is resolved and waited on by
 * another process: the creator P registers a page, passes the uffd to its
 * child C and closes its own copy; a thread of P faults.  C's
 * level-triggered epoll set reports EPOLLIN; C fills the page without
 * reading the message; then epoll_wait() times out with nothing and
 * read() says EAGAIN.
 */
#include "xproc_util.h"
#include <sys/epoll.h>

static void child(int inherited, int sock, int unused)
{
	struct epoll_event ev, out[2];
	struct uffdio_copy cp;
	struct xp_region r;
	struct uffd_msg m;
	int fd, ep;
	char *mine, b;

	(void)unused;
	alarm(20);
	CHECK_OK(close(inherited));
	fd = xp_recv_fd(sock, &r, sizeof(r), 10000);
	CHECK_MSG(fd >= 0, "recvmsg(SCM_RIGHTS): %s", t_errname(errno));
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK_OK(ep);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 5 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK_EQ(epoll_wait(ep, out, 2, 50), 0);
	CHECK_EQ(write(sock, "f", 1), 1);	/* P: fault now */
	CHECK_EQ(epoll_wait(ep, out, 2, 10000), 1);
	CHECK_HEX(out[0].events, EPOLLIN);
	CHECK_EQ(out[0].data.u64, 5);

	mine = t_map(1);
	memset(mine, 0x4d, (size_t)t_page);
	cp = (struct uffdio_copy){ .dst = r.base, .src = (uintptr_t)mine,
				   .len = r.page_size };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &cp));
	CHECK(xp_read_full(sock, &b, 1, 10000));	/* P: the fault is over */
	CHECK_EQ(epoll_wait(ep, out, 2, 100), 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);
	close(ep);
	close(fd);
	_exit(0);
}

int main(void)
{
	struct t_toucher t;
	int fd, sock, st;
	pid_t c;
	char *area, b;

	t_init(30);
	c = xp_fork_receiver(1, child, 0, &fd, &area, &sock);
	CHECK_OK(close(fd));
	if (xp_read_full(sock, &b, 1, 10000)) {
		t_touch_start(&t, area + 3, 0, 0);
		CHECK(t_touch_wait(&t, 10000));
		CHECK_EQ(t.seen, 0x4d);
		t_touch_join(&t);
		CHECK_EQ(write(sock, "d", 1), 1);
	}
	CHECK_EQ(waitpid(c, &st, 0), c);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	return 0;
}
