/* SPDX-License-Identifier: MIT */
/*
 * poll(), ppoll(), select() and pselect() over sets that hold emulated
 * uffds (called by src/interpose/poll.c when one of the descriptors is
 * ours); epoll is in epoll.c.
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
#include "emu/deadline.h"
#include "base/real.h"

/*
 * What the kernel's userfaultfd_poll() says before it looks at the queue:
 * POLLERR before UFFDIO_API and for a descriptor without O_NONBLOCK (the
 * flags of @fd, or the creation flags when @fd is -1), else 0 -- and then
 * the queue decides, once the tokens of withdrawn messages are drained.
 */
int uffd_poll_err(struct emu_ctx *ctx, int fd)
{
	int fl = fd >= 0 ? REAL(fcntl)(fd, F_GETFL) : ctx->flags;

	if (!(ctx_features(ctx) & EMU_FEAT_INITIALIZED) || !(fl & O_NONBLOCK))
		return POLLERR;
	if (fd >= 0)
		queue_drain_stale(ctx, fd);
	return 0;
}

/*
 * The immediate revents for a uffd, or 0 to let the pipe answer (then
 * *ctxp holds a reference for the caller to spin on and put).
 */
static int uffd_poll_now(int fd, uint32_t idx, struct emu_ctx **ctxp)
{
	struct emu_ctx *ctx = ctx_acquire(idx);
	int r;

	*ctxp = NULL;
	if (!ctx)
		return POLLNVAL;
	r = uffd_poll_err(ctx, fd);
	if (r) {
		ctx_put(ctx);
		return r;
	}
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
	struct timespec zero = { 0, 0 }, left;
	struct deadline d;
	int r;

	if (is_ppoll)
		deadline_ts(&d, ts);
	else
		deadline_ms(&d, timeout);
	if (wait && budget) {
		r = poll_real(fds, n, &zero, 0, sigmask, is_ppoll);
		if (r < 0 || (r > 0 && (!drop_hung(fds, n, sv) || any_revents(fds, n))))
			return r;
		/* Messages arriving back to back: spin before sleeping. */
		spin_for_message(spin, nspin, budget);
	}
	for (;;) {
		left = d.finite ? deadline_left(&d) : zero;
		r = poll_real(fds, n, d.finite ? &left : NULL,
			      d.finite ? ts_ms_up(&left) : -1, sigmask, is_ppoll);
		if (r <= 0 || !drop_hung(fds, n, sv) || any_revents(fds, n))
			return r;
		if (d.finite && ts_zero(&left))
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

/* ---- select() and pselect(), through emu_poll() ------------------------ */

/* The kernel's select() masks (fs/select.c, facts): what counts as ready. */
#define SEL_IN	(POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT	(POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SEL_EX	(POLLPRI)

static bool timeval_ok(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

/*
 * select()/pselect() over sets holding an emulated uffd, as the kernel's
 * do_select() with each descriptor asked as poll() asks it: so a uffd
 * without O_NONBLOCK (POLLERR) is readable and writable, one with a
 * message readable.  @n at most FD_SETSIZE (the caller checks).  select()
 * leaves the time not slept in *@tv, as Linux does.
 */
int emu_select(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv,
	       const struct timespec *ts, const sigset_t *sigmask, bool is_pselect)
{
	struct pollfd fds[FD_SETSIZE];
	struct timespec t, *tp = NULL;
	struct deadline d;
	int i, k = 0, r, count = 0;

	if (n < 0 || (tv && !is_pselect && !timeval_ok(tv)) ||
	    (ts && (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L))) {
		errno = EINVAL;
		return -1;
	}
	if (is_pselect && ts) {
		t = *ts;
		tp = &t;
	} else if (!is_pselect && tv) {
		t.tv_sec = tv->tv_sec;
		t.tv_nsec = tv->tv_usec * 1000L;
		tp = &t;
	}
	for (i = 0; i < n; i++) {
		short ev = 0;

		if (rd && FD_ISSET(i, rd))
			ev |= POLLIN | POLLRDNORM | POLLRDBAND;
		if (wr && FD_ISSET(i, wr))
			ev |= POLLOUT | POLLWRNORM | POLLWRBAND;
		if (ex && FD_ISSET(i, ex))
			ev |= POLLPRI;
		if (ev)
			fds[k++] = (struct pollfd){ i, ev, 0 };
	}
	deadline_ts(&d, tp);
	r = emu_poll(fds, (nfds_t)k, tp, 0, sigmask, true);
	if (!is_pselect && tv && d.finite) {
		t = deadline_left(&d);
		tv->tv_sec = t.tv_sec;
		tv->tv_usec = t.tv_nsec / 1000;
	}
	if (r < 0)
		return r;
	for (i = 0; i < k; i++) {
		if (fds[i].revents & POLLNVAL) {
			errno = EBADF;
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (rd)
			FD_CLR(i, rd);
		if (wr)
			FD_CLR(i, wr);
		if (ex)
			FD_CLR(i, ex);
	}
	for (i = 0; i < k; i++) {
		int fd = fds[i].fd;
		short re = fds[i].revents;

		if ((fds[i].events & POLLIN) && (re & SEL_IN)) {
			FD_SET(fd, rd);
			count++;
		}
		if ((fds[i].events & POLLOUT) && (re & SEL_OUT)) {
			FD_SET(fd, wr);
			count++;
		}
		if ((fds[i].events & POLLPRI) && (re & SEL_EX)) {
			FD_SET(fd, ex);
			count++;
		}
	}
	return count;
}
