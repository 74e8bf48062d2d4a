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
#include <sys/prctl.h>

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
	struct xp_region r;
	int fd, sv[2], st;
	pid_t c;
	char *area, b;

	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);	/* may skip: exit 77 */
	area = t_map(4);
	t_register(fd, area, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	fflush(stdout);
	fflush(stderr);
	c = fork();
	CHECK_OK(c);
	if (c == 0) {
		close(sv[0]);
		child(fd, sv[1], gone);
	}
	close(sv[1]);
	r = (struct xp_region){ (uintptr_t)area, 4 * (uint64_t)t_page, (uint64_t)t_page };
	CHECK_OK(xp_send_fd(sv[0], fd, &r, sizeof(r)));
	if (!xp_read_full(sv[0], &b, 1, 10000)) {
		CHECK_EQ(waitpid(c, &st, 0), c);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
	_exit(0);
}

int main(void)
{
	int gone[2], st, nchild = 0;
	pid_t p, w;

	t_init(30);
	CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
	CHECK_OK(pipe2(gone, O_CLOEXEC));
	fflush(stdout);
	fflush(stderr);
	p = fork();
	CHECK_OK(p);
	if (p == 0) {
		close(gone[1]);
		owner(gone[0]);
	}
	close(gone[0]);
	CHECK_EQ(waitpid(p, &st, 0), p);
	if (WIFEXITED(st) && WEXITSTATUS(st) == T_SKIP) {
		printf("SKIP: %s engine unavailable\n", t_engine_name);
		return T_SKIP;
	}
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "owner status %#x", st);
	CHECK_EQ(write(gone[1], "g", 1), 1);	/* the creator has exited */
	while ((w = waitpid(-1, &st, 0)) > 0) {
		CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
		nchild++;
	}
	CHECK_EQ(nchild, 1);
	return 0;
}
