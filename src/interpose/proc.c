/* SPDX-License-Identifier: MIT */
/*
 * This process's /proc views of an emulated uffd, as the kernel shows its
 * own (src/emu/fdview.c): readlink() of /proc/self/fd/N (and its other
 * spellings: /dev/fd/N, /proc/PID/fd/N...) reads "anon_inode:[userfaultfd]";
 * opening that link fails with ENXIO (an anonymous inode cannot be
 * reopened); opening /proc/self/fdinfo/N for reading -- open(), openat(),
 * fopen() -- gives the kernel's text, taken when it is opened (the
 * kernel's is made at the first read).  Everything else is the C
 * library's after one check.  open() and openat() are interposed in
 * open.c, which asks proc_open_view() here.
 *
 * Not covered: another process's view of our uffd (/proc/PID/... read by
 * another program, lsof) shows the pipe; so do the C library's own
 * internal calls (realpath()...).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "interpose/interpose.h"

/* Referred to by src/open.c, so that static links keep this object. */
const char interpose_proc_linked;

/*
 * glibc declares readlink()'s buffer write-only (access attribute);
 * touching it first is the point: GCC would call that "maybe
 * uninitialized".
 */
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

/* An emulated uffd's view @path names: its descriptor, or -1. */
static int proc_view(const char *path, bool *info)
{
	if (likely(!fdtab_any()))
		return -1;
	return emu_proc_fd(path, info);
}

static ssize_t link_text(char *buf, size_t n)
{
	static const char text[] = EMU_UFFD_LINK;
	size_t k = sizeof(text) - 1;

	if ((int)n <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (k > n)
		k = n;
	if (safe_write(buf, text, k)) {
		errno = EFAULT;
		return -1;
	}
	return (ssize_t)k;
}

UFFD_EXPORT ssize_t readlink(const char *path, char *buf, size_t n)
{
	bool info;

	pretouch(buf, n, true);
	if (unlikely(proc_view(path, &info) >= 0) && !info)
		return link_text(buf, n);
	return REAL(readlink)(path, buf, n);
}

UFFD_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t n)
{
	bool info;

	pretouch(buf, n, true);
	if (unlikely(proc_view(path, &info) >= 0) && !info)
		return link_text(buf, n);
	return REAL(readlinkat)(dirfd, path, buf, n);
}

/* open() of an emulated uffd's /proc view (interpose.h). */
bool proc_open_view(const char *path, int flags, int *ret)
{
	bool info;
	int fd = proc_view(path, &info);

	if (likely(fd < 0) || (flags & (O_PATH | O_DIRECTORY)))
		return false;
	if (!info) {
		errno = ENXIO;
		*ret = -1;
		return true;
	}
	if ((flags & O_ACCMODE) != O_RDONLY)
		return false;
	*ret = emu_fd_fdinfo(fdtab_get(fd), fd);
	if (*ret >= 0 && !(flags & O_CLOEXEC))
		REAL(fcntl)(*ret, F_SETFD, 0);
	return true;
}

/* fopen() opens with the C library's internal open(): looked at here. */
UFFD_EXPORT FILE *fopen(const char *path, const char *mode)
{
	int flags = O_RDONLY, fd;
	FILE *f;

	if (likely(!fdtab_any()) || !mode)
		return REAL(fopen)(path, mode);
	if (mode[0] != 'r' || strchr(mode, '+'))
		flags = O_RDWR;
	if (strchr(mode, 'e'))
		flags |= O_CLOEXEC;
	if (!proc_open_view(path, flags, &fd))
		return REAL(fopen)(path, mode);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, mode);
	if (!f)
		real_close(fd);
	return f;
}

UFFD_EXPORT FILE *fopen64(const char *path, const char *mode)
	__attribute__((alias("fopen")));
