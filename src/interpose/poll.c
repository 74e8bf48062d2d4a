/* SPDX-License-Identifier: MIT */
/*
 * poll(), ppoll() and epoll_ctl(): with an emulated uffd among the
 * descriptors, the engine answers for it as the kernel's
 * userfaultfd_poll() would (src/emu/poll.c); otherwise the C library's.
 *
 * Not covered (docs/emulated-engine.md): select()/pselect() report a
 * blocking emulated uffd as not readable (the kernel reports it readable
 * and writable, POLLERR); epoll on a *blocking* emulated uffd does not
 * report EPOLLERR.
 */
#define _GNU_SOURCE
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

	if (likely(!idx) || !ev)
		return REAL(epoll_ctl)(epfd, op, fd, ev);
	return emu_epoll_ctl(epfd, op, fd, idx, ev);
}
