/* SPDX-License-Identifier: MIT */
/*
 * A uffd received over SCM_RIGHTS, whose creator then exits (spec 2.1):
 * the descriptor is never ready again, as the kernel's whose mm is gone.
 * The receiver's poll(-1) and epoll_wait(-1) over {uffd, pipe} return for
 * the pipe only, written once the creator has exited -- never 0, never
 * POLLHUP on the uffd; poll() of the uffd alone times out; read() says
 * EAGAIN.
 *
 * G (this process, a subreaper) forks P, the creator, which forks C and
 * sends it the uffd; C closes the copy it inherited first.  P exits when C
 * asks; G then writes the pipe C waits on.
 */
#include "xproc_util.h"
#include <sys/epoll.h>

static void child(int inherited, int sock, int gone)
{
	struct epoll_event ev, out[4];
	struct pollfd p[2];
	struct xp_region r;
	struct uffd_msg m;
	int fd, ep;

	alarm(20);
	CHECK_OK(close(inherited));
	fd = xp_recv_fd(sock, &r, sizeof(r), 10000);
	CHECK_MSG(fd >= 0, "recvmsg(SCM_RIGHTS): %s", t_errname(errno));
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	CHECK_EQ(write(sock, "d", 1), 1);	/* P: exit now */

	p[0] = (struct pollfd){ fd, POLLIN, 0 };
	p[1] = (struct pollfd){ gone, POLLIN, 0 };
	CHECK_EQ(poll(p, 2, -1), 1);
	CHECK_EQ(p[0].revents, 0);
	CHECK_EQ(p[1].revents, POLLIN);

	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK_OK(ep);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 1 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 2 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, gone, &ev));
	CHECK_EQ(epoll_wait(ep, out, 4, -1), 1);
	CHECK_EQ(out[0].data.u64, 2);

	p[0] = (struct pollfd){ fd, POLLIN, 0 };
	CHECK_EQ(poll(p, 1, 50), 0);
	CHECK_EQ(p[0].revents, 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);
	close(ep);
	CHECK_OK(close(fd));
	_exit(0);
}

/* P: the uffd's creator; exits when C says so. */
static void owner(int gone)
{
	int fd, sock;
	char *area;
	pid_t c;

	c = xp_fork_receiver(4, child, gone, &fd, &area, &sock);	/* may skip */
	xp_await_receiver(c, sock);
	_exit(0);
}

int main(void)
{
	t_init(30);
	return xp_run_creator_gone(owner);
}
