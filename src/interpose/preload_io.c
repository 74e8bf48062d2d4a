/* SPDX-License-Identifier: MIT */
/*
 * The preload shim's system calls whose user buffers the kernel reads or
 * writes: each touches the buffer from user mode first (pretouch(),
 * src/emu/pretouch.c), so that an emulated uffd's missing pages fault --
 * and are served -- before the kernel sees them, as a kernel uffd would
 * serve the kernel's own access.  Without the shim (pretouch_enabled off)
 * and without registered memory this costs one branch.  The list and its
 * cost: docs/preload.md.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

UFFD_EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	pretouch(buf, n, true);
	return REAL(pread)(fd, buf, n, off);
}

UFFD_EXPORT ssize_t pread64(int fd, void *buf, size_t n, off_t off)
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
	return REAL(preadv)(fd, iov, cnt, off);
}

UFFD_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int cnt, off_t off)
	__attribute__((alias("preadv")));

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

UFFD_EXPORT int stat(const char *path, struct stat *st)
{
	pretouch(st, sizeof(*st), true);
	return REAL(stat)(path, st);
}

/* On 64-bit glibc struct stat64 is struct stat. */
UFFD_EXPORT int stat64(const char *path, struct stat64 *st)
{
	return stat(path, (struct stat *)st);
}

UFFD_EXPORT int fstat(int fd, struct stat *st)
{
	pretouch(st, sizeof(*st), true);
	return REAL(fstat)(fd, st);
}

UFFD_EXPORT int fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

UFFD_EXPORT int lstat(const char *path, struct stat *st)
{
	pretouch(st, sizeof(*st), true);
	return REAL(lstat)(path, st);
}

UFFD_EXPORT int lstat64(const char *path, struct stat64 *st)
{
	return lstat(path, (struct stat *)st);
}

UFFD_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	pretouch(st, sizeof(*st), true);
	return REAL(fstatat)(dirfd, path, st, flags);
}

UFFD_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return fstatat(dirfd, path, (struct stat *)st, flags);
}

UFFD_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask,
		      struct statx *stx)
{
	pretouch(stx, sizeof(*stx), true);
	return REAL(statx)(dirfd, path, flags, mask, stx);
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

