/* SPDX-License-Identifier: MIT */
/*
 * read(), readv(), preadv2(), recvmsg(), close(), dup(), dup2(), dup3() and
 * fcntl(): on an emulated uffd they do what the kernel's would
 * (src/emu/fd.c); on any other descriptor they are the C library's, after
 * the pre-touching of the buffer the kernel will write (src/emu/pretouch.c,
 * on only under the preload shim).  pread() and preadv() too.  Reads of a
 * pagemap descriptor of this process (noted at open, src/interpose/open.c)
 * get the entries of emulated registrations as the kernel would write them
 * (src/emu/pagemap.c); close() and the dup family keep that note right.
 *
 * Not covered (docs/emulated-engine.md): calls made with syscall(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "interpose/interpose.h"

/* Referred to by src/open.c, so that static links keep this object. */
const char interpose_fd_linked;

/*
 * glibc declares pread()'s buffer write-only (access attribute); touching
 * it first is the point: GCC would call that "maybe uninitialized".
 */
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

/* A read of this process's pagemap: the entries as the kernel would show them. */
static ssize_t pagemap_read_fix(int fd, void *buf, size_t count, off_t off,
				bool at_pos)
{
	ssize_t r;

	if (at_pos)
		off = pagemap_pos(fd);
	r = at_pos ? REAL(read)(fd, buf, count) : REAL(pread)(fd, buf, count, off);
	pagemap_fix_read(off, buf, r);
	return r;
}

static ssize_t pagemap_readv_fix(int fd, const struct iovec *iov, int iovcnt,
				 off_t off, int flags)
{
	ssize_t r;

	if (off == -1)
		off = pagemap_pos(fd);
	r = REAL(preadv2)(fd, iov, iovcnt, off, flags);
	pagemap_fix_readv(off, iov, iovcnt, r);
	return r;
}

UFFD_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
	uint32_t idx = fdtab_get(fd);

	if (likely(!idx)) {
		pretouch(buf, count, true);
		if (unlikely(pagemap_maybe(fd)) && pagemap_fd_ours(fd))
			return pagemap_read_fix(fd, buf, count, 0, true);
		return REAL(read)(fd, buf, count);
	}
	return emu_fd_read(idx, fd, buf, count, false);
}

UFFD_EXPORT ssize_t pread(int fd, void *buf, size_t count, off_t off)
{
	pretouch(buf, count, true);
	if (unlikely(pagemap_maybe(fd)) && pagemap_fd_ours(fd))
		return pagemap_read_fix(fd, buf, count, off, false);
	return REAL(pread)(fd, buf, count, off);
}

UFFD_EXPORT ssize_t pread64(int fd, void *buf, size_t count, off_t off)
	__attribute__((alias("pread")));

UFFD_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t len)
{
	if (n > len)
		abort();
	return pread(fd, buf, n, off);
}

UFFD_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off,
				  size_t len) __attribute__((alias("__pread_chk")));

UFFD_EXPORT ssize_t preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	pretouch_iov(iov, cnt, true);
	if (unlikely(pagemap_maybe(fd)) && pagemap_fd_ours(fd))
		return pagemap_readv_fix(fd, iov, cnt, off, 0);
	return REAL(preadv)(fd, iov, cnt, off);
}

UFFD_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int cnt, off_t off)
	__attribute__((alias("preadv")));

UFFD_EXPORT ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	if (count > buflen)
		abort();
	return read(fd, buf, count);
}

UFFD_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	uint32_t idx = fdtab_get(fd);

	if (likely(!idx)) {
		pretouch_iov(iov, iovcnt, true);
		if (unlikely(pagemap_maybe(fd)) && pagemap_fd_ours(fd))
			return pagemap_readv_fix(fd, iov, iovcnt, -1, 0);
		return REAL(readv)(fd, iov, iovcnt);
	}
	return emu_fd_readv(idx, fd, iov, iovcnt, false);
}

/* preadv2 with offset -1 is a read; RWF_NOWAIT makes it non-blocking. */
UFFD_EXPORT ssize_t preadv2(int fd, const struct iovec *iov, int iovcnt,
			    off_t offset, int flags)
{
	uint32_t idx = fdtab_get(fd);

	if (likely(!idx)) {
		pretouch_iov(iov, iovcnt, true);
		if (unlikely(pagemap_maybe(fd)) && pagemap_fd_ours(fd))
			return pagemap_readv_fix(fd, iov, iovcnt, offset, flags);
		return REAL(preadv2)(fd, iov, iovcnt, offset, flags);
	}
	if (offset != -1) {
		errno = ESPIPE;
		return -1;
	}
	return emu_fd_readv(idx, fd, iov, iovcnt, flags & RWF_NOWAIT);
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

	if (mh)
		pretouch_iov(mh->msg_iov, (int)mh->msg_iovlen, true);
	r = REAL(recvmsg)(fd, mh, flags);
	if (r >= 0 && mh && mh->msg_controllen)
		adopt_received(mh);
	return r;
}

/* ---- the descriptor table ------------------------------------------------- */

UFFD_EXPORT int close(int fd)
{
	uint32_t idx = fdtab_get(fd);

	if (preload_close_hook)
		preload_close_hook(fd);
	if (unlikely(pagemap_maybe(fd)))
		pagemap_fd_closed(fd);
	if (unlikely(atomic_load_explicit(&ep_nrec, memory_order_relaxed)))
		emu_epoll_forget_epfd(fd);	/* an epoll set with uffds in it */
	kernel_engine.forget_fd(fd);
	if (likely(!idx))
		return REAL(close)(fd);
	return emu_fd_close(fd, idx);
}

UFFD_EXPORT int dup(int fd)
{
	uint32_t idx = fdtab_get(fd);
	int r;

	r = REAL(dup)(fd);
	if (unlikely(idx) && r >= 0)
		emu_fd_remember(r, idx);
	if (unlikely(pagemap_any()) && r >= 0)
		pagemap_fd_dup(fd, r);
	return r;
}

static int dup_to(int oldfd, int newfd, int flags, bool three)
{
	uint32_t oidx = fdtab_get(oldfd), nidx = fdtab_get(newfd);
	int r, e;

	if (likely(!oidx && !nidx))
		return three ? REAL(dup3)(oldfd, newfd, flags)
			     : REAL(dup2)(oldfd, newfd);
	if (nidx && oldfd != newfd)
		emu_fd_forget(newfd, nidx);
	r = three ? REAL(dup3)(oldfd, newfd, flags) : REAL(dup2)(oldfd, newfd);
	e = errno;
	if (r >= 0 && oidx)
		emu_fd_remember(r, oidx);
	else if (r < 0 && nidx && oldfd != newfd)
		emu_fd_remember(newfd, nidx);	/* nothing happened */
	if (r >= 0 && nidx && nidx != oidx)
		emu_fd_closed(nidx);
	errno = e;
	return r;
}

/*
 * After dup2()/dup3() (result @r): a pagemap reader noted on @oldfd is one
 * on @newfd too, and an epoll set that @newfd was is closed.
 */
static int dup_done(int oldfd, int newfd, int r)
{
	int e = errno;

	if (r >= 0 && unlikely(pagemap_any()))
		pagemap_fd_dup(oldfd, newfd);
	if (r >= 0 && oldfd != newfd &&
	    unlikely(atomic_load_explicit(&ep_nrec, memory_order_relaxed)))
		emu_epoll_forget_epfd(newfd);
	errno = e;
	return r;
}

UFFD_EXPORT int dup2(int oldfd, int newfd)
{
	return dup_done(oldfd, newfd, dup_to(oldfd, newfd, 0, false));
}

UFFD_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	return dup_done(oldfd, newfd, dup_to(oldfd, newfd, flags, true));
}

UFFD_EXPORT int fcntl(int fd, int cmd, ...)
{
	uint32_t idx = fdtab_get(fd);
	va_list ap;
	void *arg;
	int r;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	r = REAL(fcntl)(fd, cmd, arg);
	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) {
		if (unlikely(idx))
			emu_fd_remember(r, idx);
		if (unlikely(pagemap_any()))
			pagemap_fd_dup(fd, r);
	}
	return r;
}

UFFD_EXPORT int fcntl64(int fd, int cmd, ...)
	__attribute__((alias("fcntl")));
