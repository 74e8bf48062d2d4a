/* SPDX-License-Identifier: MIT */
/*
 * C library functions this library interposes, so that read(), poll(),
 * epoll, close(), dup() and signal handlers behave on an emulated uffd as
 * on a kernel one.  Every interposer starts with one table lookup
 * (fdtab_get, sig_is_ours) and goes straight to the C library when the
 * descriptor or signal is not the engine's: programs that do not use an
 * emulated uffd pay one predictable branch.
 *
 * Not covered (documented in docs/emulated-engine.md): select()/pselect()
 * report a blocking emulated uffd as not readable (the kernel reports it
 * readable and writable, POLLERR); epoll on a *blocking* emulated uffd
 * does not report EPOLLERR; calls made with syscall(2) bypass all this.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

struct real_fns real;

#define RESOLVE(name) \
	(real.name = (__typeof__(real.name))dlsym(RTLD_NEXT, #name))

__attribute__((constructor(101))) void real_init(void)
{
	RESOLVE(read);
	RESOLVE(readv);
	RESOLVE(preadv2);
	RESOLVE(recvmsg);
	RESOLVE(close);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(fcntl);
	RESOLVE(poll);
	RESOLVE(ppoll);
	RESOLVE(epoll_ctl);
	RESOLVE(sigaction);
	RESOLVE(signal);
	RESOLVE(sigprocmask);
	RESOLVE(syscall);
	RESOLVE(pthread_sigmask);
}

#define NEED(name) do { if (unlikely(!real.name)) real_init(); } while (0)

ssize_t real_read(int fd, void *buf, size_t count)
{
	NEED(read);
	return real.read(fd, buf, count);
}

int real_close(int fd)
{
	NEED(close);
	return real.close(fd);
}

int real_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	NEED(sigaction);
	return real.sigaction(sig, act, old);
}

/*
 * syscall(2) itself, past any interposer (the preload shim routes
 * SYS_userfaultfd to uffd_open, which must still reach the kernel).
 */
long real_syscall(long nr, long a, long b, long c, long d, long e, long f)
{
	NEED(syscall);
	return real.syscall(nr, a, b, c, d, e, f);
}

int real_pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	NEED(pthread_sigmask);
	return real.pthread_sigmask(how, set, old);
}

static ssize_t ret_errno(ssize_t r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* ---- read ---------------------------------------------------------------- */

static ssize_t uffd_read(uint32_t idx, int fd, void *buf, size_t count,
			 bool nowait)
{
	struct emu_ctx *ctx = ctx_acquire(idx);
	ssize_t r;

	if (!ctx) {
		errno = EBADF;
		return -1;
	}
	r = queue_read(ctx, fd, buf, count, nowait);
	ctx_put(ctx);
	return ret_errno(r);
}

UFFD_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
	uint32_t idx = fdtab_get(fd);

	if (likely(!idx)) {
		NEED(read);
		pretouch(buf, count, true);
		return real.read(fd, buf, count);
	}
	return uffd_read(idx, fd, buf, count, false);
}

UFFD_EXPORT ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	if (count > buflen)
		abort();
	return read(fd, buf, count);
}

/* read_iter() of a uffd: whole messages, scattered over the iovecs. */
static ssize_t uffd_readv(uint32_t idx, int fd, const struct iovec *iov,
			  int iovcnt, bool nowait)
{
	struct uffd_msg msgs[64];
	size_t total = 0, off = 0;
	ssize_t r;
	int i;

	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > sizeof(msgs))
		total = sizeof(msgs);
	r = uffd_read(idx, fd, msgs, total, nowait);
	if (r <= 0)
		return r;
	for (i = 0; i < iovcnt && off < (size_t)r; i++) {
		size_t k = iov[i].iov_len;

		if (k > (size_t)r - off)
			k = (size_t)r - off;
		if (safe_write(iov[i].iov_base, (char *)msgs + off, k)) {
			errno = EFAULT;
			return off ? (ssize_t)off : -1;
		}
		off += k;
	}
	return r;
}

UFFD_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	uint32_t idx = fdtab_get(fd);

	if (likely(!idx)) {
		NEED(readv);
		pretouch_iov(iov, iovcnt, true);
		return real.readv(fd, iov, iovcnt);
	}
	return uffd_readv(idx, fd, iov, iovcnt, false);
}

/* preadv2 with offset -1 is a read; RWF_NOWAIT makes it non-blocking. */
UFFD_EXPORT ssize_t preadv2(int fd, const struct iovec *iov, int iovcnt,
			    off_t offset, int flags)
{
	uint32_t idx = fdtab_get(fd);

	if (likely(!idx)) {
		NEED(preadv2);
		pretouch_iov(iov, iovcnt, true);
		return real.preadv2(fd, iov, iovcnt, offset, flags);
	}
	if (offset != -1) {
		errno = ESPIPE;
		return -1;
	}
	return uffd_readv(idx, fd, iov, iovcnt, flags & RWF_NOWAIT);
}

UFFD_EXPORT ssize_t preadv64v2(int fd, const struct iovec *iov, int iovcnt,
			       off_t offset, int flags)
{
	return preadv2(fd, iov, iovcnt, offset, flags);
}

/*
 * A uffd arriving over SCM_RIGHTS is known at once (emu_adopt), so that
 * read() and poll() on it follow the kernel's rules from the first call.
 */
static void adopt_received(struct msghdr *mh)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t k, n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < n; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(fd));
			emu_adopt(fd);
		}
	}
}

UFFD_EXPORT ssize_t recvmsg(int fd, struct msghdr *mh, int flags)
{
	ssize_t r;

	NEED(recvmsg);
	if (mh)
		pretouch_iov(mh->msg_iov, (int)mh->msg_iovlen, true);
	r = real.recvmsg(fd, mh, flags);
	if (r >= 0 && mh && mh->msg_controllen)
		adopt_received(mh);
	return r;
}

/* ---- descriptor table ------------------------------------------------------ */

static void forget_fd(int fd, uint32_t idx)
{
	struct emu_ctx *ctx = ctx_get(idx);
	int expect = fd;

	fdtab_set(fd, 0);
	if (ctx)
		atomic_compare_exchange_strong(&ctx->user_fd, &expect, -1);
}

static void after_close(uint32_t idx)
{
	struct emu_ctx *ctx = ctx_get(idx);

	if (ctx)
		ctx_check_closed(ctx);
}

static void remember_fd(int fd, uint32_t idx)
{
	struct emu_ctx *ctx = ctx_get(idx);
	int expect = -1;

	fdtab_set(fd, idx);
	if (ctx)
		atomic_compare_exchange_strong(&ctx->user_fd, &expect, fd);
}

/* The preload shim's stand-in /dev/userfaultfd descriptors (preload.c). */
void preload_close_hook(int fd) __attribute__((weak));

UFFD_EXPORT int close(int fd)
{
	uint32_t idx = fdtab_get(fd);
	int r, e;

	NEED(close);
	if (preload_close_hook)
		preload_close_hook(fd);
	orphan_forget_fd(fd);
	if (likely(!idx))
		return real.close(fd);
	forget_fd(fd, idx);
	r = real.close(fd);
	e = errno;
	after_close(idx);
	errno = e;
	return r;
}

UFFD_EXPORT int dup(int fd)
{
	uint32_t idx = fdtab_get(fd);
	int r;

	NEED(dup);
	r = real.dup(fd);
	if (unlikely(idx) && r >= 0)
		remember_fd(r, idx);
	return r;
}

static int dup_to(int oldfd, int newfd, int flags, bool three)
{
	uint32_t oidx = fdtab_get(oldfd), nidx = fdtab_get(newfd);
	int r, e;

	if (likely(!oidx && !nidx))
		return three ? real.dup3(oldfd, newfd, flags) : real.dup2(oldfd, newfd);
	if (nidx && oldfd != newfd)
		forget_fd(newfd, nidx);
	r = three ? real.dup3(oldfd, newfd, flags) : real.dup2(oldfd, newfd);
	e = errno;
	if (r >= 0 && oidx)
		remember_fd(r, oidx);
	else if (r < 0 && nidx && oldfd != newfd)
		remember_fd(newfd, nidx);	/* nothing happened */
	if (r >= 0 && nidx && nidx != oidx)
		after_close(nidx);
	errno = e;
	return r;
}

UFFD_EXPORT int dup2(int oldfd, int newfd)
{
	NEED(dup2);
	return dup_to(oldfd, newfd, 0, false);
}

UFFD_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	NEED(dup3);
	return dup_to(oldfd, newfd, flags, true);
}

static int fcntl_common(int fd, int cmd, void *arg)
{
	uint32_t idx = fdtab_get(fd);
	int r;

	NEED(fcntl);
	r = real.fcntl(fd, cmd, arg);
	if (unlikely(idx) && r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		remember_fd(r, idx);
	return r;
}

UFFD_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl_common(fd, cmd, arg);
}

UFFD_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return fcntl_common(fd, cmd, arg);
}

/* ---- poll ------------------------------------------------------------------ */

/*
 * The kernel's userfaultfd_poll(): POLLERR before UFFDIO_API and for a
 * descriptor without O_NONBLOCK, else POLLIN when a message is queued.
 * Returns the immediate revents for a uffd, or 0 to let the pipe answer
 * (then *ctxp holds a reference for the caller to spin on and put).
 */
static int uffd_poll_now(int fd, uint32_t idx, struct emu_ctx **ctxp)
{
	struct emu_ctx *ctx = ctx_acquire(idx);
	int fl;

	*ctxp = NULL;
	if (!ctx)
		return POLLNVAL;
	fl = real.fcntl(fd, F_GETFL);
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

static int do_poll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		   int timeout, const sigset_t *sigmask, bool is_ppoll)
{
	struct poll_save stack[POLL_STACK], *sv = stack;
	struct emu_ctx *spin[POLL_STACK];
	struct timespec zero = { 0, 0 };
	bool any = false, now = false;
	int r, ready = 0, nspin = 0;
	uint64_t budget = 0;
	nfds_t i;

	NEED(poll);
	for (i = 0; i < n && !any; i++)
		any = fdtab_get(fds[i].fd) != 0;
	if (likely(!any))
		return is_ppoll ? real.ppoll(fds, n, ts, sigmask)
				: real.poll(fds, n, timeout);

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
		r = is_ppoll ? real.ppoll(fds, n, &zero, sigmask)
			     : real.poll(fds, n, 0);
	} else {
		bool wait = is_ppoll ? (!ts || ts->tv_sec || ts->tv_nsec) : timeout != 0;

		/* Messages arriving back to back: spin before sleeping. */
		if (wait && budget) {
			r = is_ppoll ? real.ppoll(fds, n, &zero, sigmask)
				     : real.poll(fds, n, 0);
			if (r == 0 && spin_for_message(spin, nspin, budget))
				r = -2;
		} else {
			r = -2;
		}
		if (r == -2 || (r == 0 && wait))
			r = is_ppoll ? real.ppoll(fds, n, ts, sigmask)
				     : real.poll(fds, n, timeout);
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

UFFD_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	return do_poll(fds, n, NULL, timeout, NULL, false);
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
	NEED(ppoll);
	return do_poll(fds, n, ts, 0, sigmask, true);
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
	struct epoll_event copy;

	NEED(epoll_ctl);
	if (likely(!idx) || !ev)
		return real.epoll_ctl(epfd, op, fd, ev);
	/* A uffd never reports writability or priority data. */
	copy = *ev;
	copy.events &= EPOLLIN | EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE |
		       EPOLLWAKEUP | EPOLLRDHUP;
	copy.events &= ~(uint32_t)EPOLLRDHUP;
	{
		struct emu_ctx *ctx = ctx_acquire(idx);

		if (ctx) {
			queue_drain_stale(ctx, fd);
			ctx_put(ctx);
		}
	}
	return real.epoll_ctl(epfd, op, fd, &copy);
}

/* ---- signals --------------------------------------------------------------- */

UFFD_EXPORT int sigaction(int sig, const struct sigaction *act,
			  struct sigaction *old)
{
	struct sigaction copy;

	NEED(sigaction);
	if (likely(!sig_owns_any()))
		return real.sigaction(sig, act, old);
	if (sig_is_ours(sig))
		return sig_app_action(sig, act, old);
	/* Another signal's handler must not block the engine's signals. */
	if (act) {
		copy = *act;
		sig_strip_mask(&copy.sa_mask);
		act = &copy;
	}
	return real.sigaction(sig, act, old);
}

static int mask_common(int how, const sigset_t *set, sigset_t *old, bool pt)
{
	sigset_t real_set;
	uint64_t view;
	int r;

	if (likely(!sig_owns_any()))
		return pt ? real.pthread_sigmask(how, set, old)
			  : real.sigprocmask(how, set, old);
	if (sig_mask_filter(how, set, &real_set, &view))
		set = &real_set;
	r = pt ? real.pthread_sigmask(how, set, old) : real.sigprocmask(how, set, old);
	if (old && (pt ? r == 0 : r >= 0))
		sig_mask_view(old, view);
	return r;
}

UFFD_EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	NEED(sigprocmask);
	return mask_common(how, set, old, false);
}

UFFD_EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	NEED(pthread_sigmask);
	return mask_common(how, set, old, true);
}

static sighandler_t bsd_signal_impl(int sig, sighandler_t h)
{
	struct sigaction a, old;

	if (likely(!sig_is_ours(sig))) {
		NEED(signal);
		return real.signal(sig, h);
	}
	memset(&a, 0, sizeof(a));
	a.sa_handler = h;
	sigemptyset(&a.sa_mask);
	sigaddset(&a.sa_mask, sig);
	a.sa_flags = SA_RESTART;
	sig_app_action(sig, &a, &old);
	return old.sa_handler;	/* shares storage with sa_sigaction */
}

UFFD_EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	return bsd_signal_impl(sig, h);
}

UFFD_EXPORT sighandler_t bsd_signal(int sig, sighandler_t h)
{
	return bsd_signal_impl(sig, h);
}
