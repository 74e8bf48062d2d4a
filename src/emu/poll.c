/* SPDX-License-Identifier: MIT */
/*
 * poll(), ppoll() and epoll_ctl() over sets that hold emulated uffds
 * (called by src/interpose/poll.c when one of the descriptors is ours).
 *
 * The kernel's userfaultfd_poll(): POLLERR before UFFDIO_API and for a
 * descriptor without O_NONBLOCK, else POLLIN when a message is queued.  The
 * token pipe answers the last part: it holds one byte per queued message
 * (emu.h, I4), so the C library's poll() on it blocks and wakes exactly as
 * the kernel's would; what the pipe says beyond POLLIN is not a uffd's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include "emu/emu.h"
#include "base/real.h"

/*
 * The immediate revents for a uffd, or 0 to let the pipe answer (then
 * *ctxp holds a reference for the caller to spin on and put).
 */
static int uffd_poll_now(int fd, uint32_t idx, struct emu_ctx **ctxp)
{
	struct emu_ctx *ctx = ctx_acquire(idx);
	int fl;

	*ctxp = NULL;
	if (!ctx)
		return POLLNVAL;
	fl = REAL(fcntl)(fd, F_GETFL);
	if (!(ctx_features(ctx) & EMU_FEAT_INITIALIZED) || !(fl & O_NONBLOCK)) {
		ctx_put(ctx);
		return POLLERR;
	}
	queue_drain_stale(ctx, fd);
	*ctxp = ctx;
	return 0;
}

#define POLL_STACK 64

struct poll_save {
	int fd;
	short events;
	short now;		/* revents decided without the pipe */
	struct emu_ctx *ctx;	/* referenced while we poll */
};

static int poll_real(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		     int timeout, const sigset_t *sigmask, bool is_ppoll)
{
	return is_ppoll ? REAL(ppoll)(fds, n, ts, sigmask)
			: REAL(poll)(fds, n, timeout);
}

int emu_poll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
	     int timeout, const sigset_t *sigmask, bool is_ppoll)
{
	struct poll_save stack[POLL_STACK], *sv = stack;
	struct emu_ctx *spin[POLL_STACK];
	struct timespec zero = { 0, 0 };
	int r, ready = 0, nspin = 0;
	uint64_t budget = 0;
	bool now = false;
	nfds_t i;

	if (n > POLL_STACK) {
		sv = malloc(n * sizeof(*sv));
		if (!sv) {
			errno = ENOMEM;
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t idx = fdtab_get(fds[i].fd);

		sv[i].fd = fds[i].fd;
		sv[i].events = fds[i].events;
		sv[i].now = 0;
		sv[i].ctx = NULL;
		if (!idx)
			continue;
		r = uffd_poll_now(fds[i].fd, idx, &sv[i].ctx);
		if (r) {
			sv[i].now = (short)r;
			now = true;
			fds[i].fd = -1;		/* poll() skips it */
			continue;
		}
		fds[i].events &= POLLIN;
		if ((fds[i].events & POLLIN) && nspin < POLL_STACK) {
			uint64_t b = spin_budget_reader(sv[i].ctx);

			spin[nspin++] = sv[i].ctx;
			if (b > budget)
				budget = b;
		}
	}
	if (now) {
		r = poll_real(fds, n, &zero, 0, sigmask, is_ppoll);
	} else {
		bool wait = is_ppoll ? (!ts || ts->tv_sec || ts->tv_nsec) : timeout != 0;

		/* Messages arriving back to back: spin before sleeping. */
		if (wait && budget) {
			r = poll_real(fds, n, &zero, 0, sigmask, is_ppoll);
			if (r == 0 && spin_for_message(spin, nspin, budget))
				r = -2;
		} else {
			r = -2;
		}
		if (r == -2 || (r == 0 && wait))
			r = poll_real(fds, n, ts, timeout, sigmask, is_ppoll);
	}
	for (i = 0; i < n; i++) {
		fds[i].fd = sv[i].fd;
		fds[i].events = sv[i].events;
		if (sv[i].ctx)
			ctx_put(sv[i].ctx);
		if (sv[i].now)
			fds[i].revents = sv[i].now;
		else if (fdtab_get(fds[i].fd))
			fds[i].revents &= POLLIN | POLLNVAL;	/* never POLLHUP */
		if (fds[i].revents)
			ready++;
	}
	if (sv != stack)
		free(sv);
	return r < 0 ? r : ready;
}

/*
 * epoll_ctl() of an emulated uffd: the events a uffd can report, on the
 * pipe with stale tokens drained first.
 */
int emu_epoll_ctl(int epfd, int op, int fd, uint32_t idx,
		  const struct epoll_event *ev)
{
	struct epoll_event copy = *ev;
	struct emu_ctx *ctx;

	/* A uffd never reports writability or priority data. */
	copy.events &= EPOLLIN | EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE |
		       EPOLLWAKEUP;
	ctx = ctx_acquire(idx);
	if (ctx) {
		queue_drain_stale(ctx, fd);
		ctx_put(ctx);
	}
	return REAL(epoll_ctl)(epfd, op, fd, &copy);
}
