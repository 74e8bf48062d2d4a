/* SPDX-License-Identifier: MIT */
/*
 * An emulated uffd as a file: fstat(), the stat() family and statx() of
 * it (or of its /proc/self/fd/N link, followed), and lseek(), answer as
 * for the kernel's uffd (src/emu/fdview.c says what that is).  For every
 * other file they are the C library's, after the pre-touching of the
 * buffer the kernel writes (src/emu/pretouch.c, on under the preload shim
 * only).  lstat() of the link is the link's, as with the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "interpose/interpose.h"

/* Referred to by src/open.c, so that static links keep this object. */
const char interpose_stat_linked;

/*
 * "" or NULL (Linux 6.11+ takes NULL with AT_EMPTY_PATH); the pointer is
 * laundered because the C library declares it non-null.
 */
static bool empty_path(const char *p)
{
	__asm__("" : "+r"(p));
	return !p || !*p;
}

/* The uffd context @path names through /proc (followed), or 0. */
static uint32_t proc_uffd(const char *path, int *fd)
{
	bool info;

	if (likely(!fdtab_any()))
		return 0;
	*fd = emu_proc_fd(path, &info);
	return *fd >= 0 && !info ? fdtab_get(*fd) : 0;
}

UFFD_EXPORT int stat(const char *path, struct stat *st)
{
	uint32_t idx;
	int fd;

	pretouch(st, sizeof(*st), true);
	if (unlikely(idx = proc_uffd(path, &fd)))
		return emu_fd_stat(idx, fd, st);
	return REAL(stat)(path, st);
}

/* On 64-bit glibc struct stat64 is struct stat. */
UFFD_EXPORT int stat64(const char *path, struct stat64 *st)
{
	return stat(path, (struct stat *)st);
}

UFFD_EXPORT int fstat(int fd, struct stat *st)
{
	uint32_t idx = fdtab_get(fd);

	pretouch(st, sizeof(*st), true);
	if (unlikely(idx))
		return emu_fd_stat(idx, fd, st);
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

/*
 * The emulated uffd that (@dirfd, @path, @flags) of fstatat()/statx()
 * names -- the descriptor itself with AT_EMPTY_PATH and "", or a /proc
 * link to it followed -- with its descriptor in *fd; else 0.
 */
static uint32_t at_uffd(int dirfd, const char *path, int flags, int *fd)
{
	*fd = dirfd;
	if (likely(!fdtab_any()))
		return 0;
	if ((flags & AT_EMPTY_PATH) && empty_path(path))
		return fdtab_get(dirfd);
	if (!(flags & AT_SYMLINK_NOFOLLOW))
		return proc_uffd(path, fd);
	return 0;
}

UFFD_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	uint32_t idx;
	int fd;

	pretouch(st, sizeof(*st), true);
	idx = at_uffd(dirfd, path, flags, &fd);
	if (unlikely(idx))
		return emu_fd_stat(idx, fd, st);
	return REAL(fstatat)(dirfd, path, st, flags);
}

UFFD_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return fstatat(dirfd, path, (struct stat *)st, flags);
}

UFFD_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask,
		      struct statx *stx)
{
	uint32_t idx;
	int fd;

	pretouch(stx, sizeof(*stx), true);
	idx = at_uffd(dirfd, path, flags, &fd);
	if (unlikely(idx))
		return emu_fd_statx(idx, fd, mask, stx);
	return REAL(statx)(dirfd, path, flags, mask, stx);
}

/*
 * lseek() of a uffd does nothing and returns 0 (noop_llseek), after the
 * VFS check of @whence.
 */
UFFD_EXPORT off_t lseek(int fd, off_t off, int whence)
{
	if (likely(!fdtab_get(fd)))
		return REAL(lseek)(fd, off, whence);
	if ((unsigned int)whence > SEEK_HOLE) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

UFFD_EXPORT off_t lseek64(int fd, off_t off, int whence)
	__attribute__((alias("lseek")));
