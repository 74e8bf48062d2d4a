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
#include <time.h>
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

/*
 * A uffd whose pipe hung up has lost its memory (every write end is gone:
 * its owner exited, and this process holds none -- remote.c says when).
 * The kernel's uffd then never becomes ready: take it out of the set for
 * the rest of the call.  True when one was taken out.
 */
static bool drop_hung(struct pollfd *fds, nfds_t n, const struct poll_save *sv)
{
	bool any = false;
	nfds_t i;

	for (i = 0; i < n; i++) {
		if (!sv[i].ctx || fds[i].fd < 0 || !(fds[i].revents & POLLHUP))
			continue;
		fds[i].fd = -1;
		fds[i].revents = 0;
		any = true;
	}
	return any;
}

static bool any_revents(const struct pollfd *fds, nfds_t n)
{
	nfds_t i;

	for (i = 0; i < n; i++)
		if (fds[i].revents)
			return true;
	return false;
}

static struct timespec ts_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

/* @end - now, at least zero. */
static struct timespec ts_left(const struct timespec *end)
{
	struct timespec t = ts_now();

	t.tv_sec = end->tv_sec - t.tv_sec;
	t.tv_nsec = end->tv_nsec - t.tv_nsec;
	if (t.tv_nsec < 0) {
		t.tv_nsec += 1000000000L;
		t.tv_sec--;
	}
	if (t.tv_sec < 0)
		t.tv_sec = t.tv_nsec = 0;
	return t;
}

/*
 * The waiting part of emu_poll(): spin while messages arrive back to
 * back, then the C library's poll() until something is ready or the
 * timeout is over -- never 0 before it, as the kernel's: a hung-up uffd is
 * dropped and the wait goes on with the time left.
 */
static int poll_wait(struct pollfd *fds, nfds_t n, const struct poll_save *sv,
		     const struct timespec *ts, int timeout,
		     const sigset_t *sigmask, bool is_ppoll,
		     struct emu_ctx **spin, int nspin, uint64_t budget)
{
	bool wait = is_ppoll ? (!ts || ts->tv_sec || ts->tv_nsec) : timeout != 0;
	bool finite = is_ppoll ? ts != NULL : timeout >= 0;
	struct timespec zero = { 0, 0 }, end = zero, left;
	int r;

	if (finite && wait) {
		end = ts_now();
		end.tv_sec += is_ppoll ? ts->tv_sec : timeout / 1000;
		end.tv_nsec += is_ppoll ? ts->tv_nsec : (timeout % 1000) * 1000000L;
		if (end.tv_nsec >= 1000000000L) {
			end.tv_nsec -= 1000000000L;
			end.tv_sec++;
		}
	}
	if (wait && budget) {
		r = poll_real(fds, n, &zero, 0, sigmask, is_ppoll);
		if (r < 0 || (r > 0 && (!drop_hung(fds, n, sv) || any_revents(fds, n))))
			return r;
		/* Messages arriving back to back: spin before sleeping. */
		spin_for_message(spin, nspin, budget);
	}
	for (;;) {
		left = finite && wait ? ts_left(&end) : zero;
		r = poll_real(fds, n, finite ? &left : NULL,
			      finite ? (int)(left.tv_sec * 1000 +
					     (left.tv_nsec + 999999) / 1000000) : -1,
			      sigmask, is_ppoll);
		if (r <= 0 || !drop_hung(fds, n, sv) || any_revents(fds, n))
			return r;
		if (finite && !left.tv_sec && !left.tv_nsec)
			return 0;
	}
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
		if (r > 0)
			drop_hung(fds, n, sv);
	} else {
		r = poll_wait(fds, n, sv, ts, timeout, sigmask, is_ppoll, spin, nspin,
			      budget);
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
