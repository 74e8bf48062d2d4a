/* SPDX-License-Identifier: MIT */
/*
 * The preload shim's system calls whose user buffers the kernel reads or
 * writes: each touches the buffer from user mode first (pretouch(),
 * src/emu/pretouch.c), so that an emulated uffd's missing pages fault --
 * and are served -- before the kernel sees them, as a kernel uffd would
 * serve the kernel's own access.  Without the shim (pretouch_enabled off)
 * and without registered memory this costs one branch.  The list and its
 * cost: docs/preload.md.  pread() and preadv() are the library's own
 * (src/interpose/fd.c): they pre-touch the same way.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "interpose/interpose.h"

/*
 * glibc declares these buffers write-only (access attribute); touching
 * them first is the point: GCC would call that "maybe uninitialized".
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/* ---- buffers the kernel writes: touched for write first -------------------------- */

UFFD_EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	pretouch(buf, n, true);
	return REAL(recv)(fd, buf, n, flags);
}

UFFD_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t len, int flags)
{
	if (n > len)
		abort();
	return recv(fd, buf, n, flags);
}

UFFD_EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags,
			     struct sockaddr *sa, socklen_t *salen)
{
	pretouch(buf, n, true);
	return REAL(recvfrom)(fd, buf, n, flags, sa, salen);
}

UFFD_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t len,
				   int flags, struct sockaddr *sa, socklen_t *salen)
{
	if (n > len)
		abort();
	return recvfrom(fd, buf, n, flags, sa, salen);
}

UFFD_EXPORT ssize_t getrandom(void *buf, size_t n, unsigned int flags)
{
	pretouch(buf, n, true);
	return REAL(getrandom)(buf, n, flags);
}

/* ---- buffers the kernel reads: touched with a load first -------------------------- */

UFFD_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	pretouch(buf, n, false);
	return REAL(write)(fd, buf, n);
}

UFFD_EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	pretouch(buf, n, false);
	return REAL(pwrite)(fd, buf, n, off);
}

UFFD_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
	__attribute__((alias("pwrite")));

UFFD_EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	pretouch_iov(iov, cnt, false);
	return REAL(writev)(fd, iov, cnt);
}

UFFD_EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	pretouch_iov(iov, cnt, false);
	return REAL(pwritev)(fd, iov, cnt, off);
}

UFFD_EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off)
	__attribute__((alias("pwritev")));

UFFD_EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	pretouch(buf, n, false);
	return REAL(send)(fd, buf, n, flags);
}

UFFD_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			   const struct sockaddr *sa, socklen_t salen)
{
	pretouch(buf, n, false);
	return REAL(sendto)(fd, buf, n, flags, sa, salen);
}

UFFD_EXPORT ssize_t sendmsg(int fd, const struct msghdr *mh, int flags)
{
	if (mh)
		pretouch_iov(mh->msg_iov, (int)mh->msg_iovlen, false);
	return REAL(sendmsg)(fd, mh, flags);
}

