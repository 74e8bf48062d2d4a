/* SPDX-License-Identifier: MIT */
/*
 * poll(), ppoll(), select(), pselect(), epoll_ctl() and epoll_wait(),
 * epoll_pwait(), epoll_pwait2(): with an emulated uffd among the
 * descriptors (or in the epoll set), the engine answers for it as the
 * kernel's userfaultfd_poll() would (src/emu/poll.c, src/emu/epoll.c);
 * otherwise the C library's, after one check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include "interpose/interpose.h"

/* Referred to by src/open.c, so that static links keep this object. */
const char interpose_poll_linked;

/*
 * glibc declares poll()'s array write-only (access attribute), though
 * poll() reads .fd and .events: GCC would call our reads of them
 * "maybe uninitialized".
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

static bool any_uffd(const struct pollfd *fds, nfds_t n)
{
	nfds_t i;

	if (likely(!fdtab_any()))
		return false;
	for (i = 0; i < n; i++)
		if (fdtab_get(fds[i].fd))
			return true;
	return false;
}

UFFD_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (likely(!any_uffd(fds, n)))
		return REAL(poll)(fds, n, timeout);
	return emu_poll(fds, n, NULL, timeout, NULL, false);
}

UFFD_EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout,
			   size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return poll(fds, n, timeout);
}

UFFD_EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		      const sigset_t *sigmask)
{
	if (likely(!any_uffd(fds, n)))
		return REAL(ppoll)(fds, n, ts, sigmask);
	return emu_poll(fds, n, ts, 0, sigmask, true);
}

UFFD_EXPORT int __ppoll_chk(struct pollfd *fds, nfds_t n,
			    const struct timespec *ts, const sigset_t *sigmask,
			    size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return ppoll(fds, n, ts, sigmask);
}

UFFD_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	uint32_t idx = fdtab_get(fd);

	if (likely(!idx) || (!ev && op != EPOLL_CTL_DEL))
		return REAL(epoll_ctl)(epfd, op, fd, ev);
	return emu_epoll_ctl(epfd, op, fd, idx, ev);
}

static bool epoll_ours(void)
{
	return unlikely(atomic_load_explicit(&ep_nrec, memory_order_relaxed) != 0);
}

/* Milliseconds (negative: for ever) as a timespec, or NULL. */
static const struct timespec *ms_ts(int ms, struct timespec *ts)
{
	if (ms < 0)
		return NULL;
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (long)(ms % 1000) * 1000000L;
	return ts;
}

UFFD_EXPORT int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	struct timespec ts;

	if (likely(!epoll_ours()))
		return REAL(epoll_wait)(epfd, ev, max, timeout);
	return emu_epoll_wait(epfd, ev, max, ms_ts(timeout, &ts), NULL, 1);
}

UFFD_EXPORT int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout,
			    const sigset_t *sigmask)
{
	struct timespec ts;

	if (likely(!epoll_ours()))
		return REAL(epoll_pwait)(epfd, ev, max, timeout, sigmask);
	return emu_epoll_wait(epfd, ev, max, ms_ts(timeout, &ts), sigmask, 1);
}

int epoll_pwait2(int, struct epoll_event *, int, const struct timespec *,
		 const sigset_t *);
UFFD_EXPORT int epoll_pwait2(int epfd, struct epoll_event *ev, int max,
			     const struct timespec *ts, const sigset_t *sigmask)
{
	if (unlikely(!REAL(epoll_pwait2))) {
		errno = ENOSYS;
		return -1;
	}
	if (likely(!epoll_ours()))
		return REAL(epoll_pwait2)(epfd, ev, max, ts, sigmask);
	return emu_epoll_wait(epfd, ev, max, ts, sigmask, 0);
}

/* Any emulated uffd among the first @n descriptors of the sets? */
static bool any_uffd_set(int n, const fd_set *rd, const fd_set *wr,
			 const fd_set *ex)
{
	int i;

	if (likely(!fdtab_any()) || n <= 0 || n > FD_SETSIZE)
		return false;
	for (i = 0; i < n; i++)
		if (((rd && FD_ISSET(i, rd)) || (wr && FD_ISSET(i, wr)) ||
		     (ex && FD_ISSET(i, ex))) && fdtab_get(i))
			return true;
	return false;
}

UFFD_EXPORT int select(int n, fd_set *rd, fd_set *wr, fd_set *ex,
		       struct timeval *tv)
{
	if (likely(!any_uffd_set(n, rd, wr, ex)))
		return REAL(select)(n, rd, wr, ex, tv);
	return emu_select(n, rd, wr, ex, tv, NULL, NULL, false);
}

UFFD_EXPORT int pselect(int n, fd_set *rd, fd_set *wr, fd_set *ex,
			const struct timespec *ts, const sigset_t *sigmask)
{
	if (likely(!any_uffd_set(n, rd, wr, ex)))
		return REAL(pselect)(n, rd, wr, ex, ts, sigmask);
	return emu_select(n, rd, wr, ex, NULL, ts, sigmask, true);
}
