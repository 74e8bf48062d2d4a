/* SPDX-License-Identifier: MIT */
/*
 * open(), openat() and their 64-bit and _FORTIFY_SOURCE names.
 *
 * Two paths matter to libuffd; every other open is the C library's, after
 * one test of the path's last characters:
 *   - a pagemap file (/proc/self/pagemap, /proc/PID/pagemap of this
 *     process): the descriptor is noted, so that its reads show emulated
 *     registrations as the kernel would (src/emu/pagemap.c);
 *   - "/dev/userfaultfd", under the preload shim only: the shim decides
 *     between the real device and a stand-in (preload.c);
 *   - an emulated uffd's /proc view (/proc/self/fd/N, .../fdinfo/N), while
 *     emulated uffds exist: proc.c answers as the kernel would.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include "interpose/interpose.h"

/* Referred to by src/open.c, so that static links keep this object. */
const char interpose_open_linked;

static int do_open(int dirfd, const char *path, int flags, mode_t mode, bool at)
{
	int fd;

	if (unlikely(preload_open_device != NULL) && path &&
	    !strcmp(path, "/dev/userfaultfd"))
		return preload_open_device(dirfd, path, flags, mode);
	if (unlikely(fdtab_any()) && proc_open_view(path, flags, &fd))
		return fd;
	fd = at ? REAL(openat)(dirfd, path, flags, mode) : REAL(open)(path, flags, mode);
	if (fd >= 0 && unlikely(pagemap_path(path)))
		pagemap_fd_opened(fd);
	return fd;
}

/* The mode argument of a variadic open call: there with O_CREAT, O_TMPFILE. */
#define MODE_ARG(flags, mode) do {					\
	va_list ap_;							\
									\
	va_start(ap_, flags);						\
	mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap_, int) : 0; \
	va_end(ap_);							\
} while (0)

UFFD_EXPORT int open(const char *path, int flags, ...)
{
	mode_t mode;

	MODE_ARG(flags, mode);
	return do_open(AT_FDCWD, path, flags, mode, false);
}

UFFD_EXPORT int open64(const char *path, int flags, ...)
	__attribute__((alias("open")));

UFFD_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode;

	MODE_ARG(flags, mode);
	return do_open(dirfd, path, flags, mode, true);
}

UFFD_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
	__attribute__((alias("openat")));

/* _FORTIFY_SOURCE's entry points (flags without O_CREAT). */
UFFD_EXPORT int __open_2(const char *path, int flags)
{
	return do_open(AT_FDCWD, path, flags, 0, false);
}

UFFD_EXPORT int __open64_2(const char *path, int flags)
	__attribute__((alias("__open_2")));

UFFD_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return do_open(dirfd, path, flags, 0, true);
}

UFFD_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
	__attribute__((alias("__openat_2")));
