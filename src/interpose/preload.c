/* SPDX-License-Identifier: MIT */
/*
 * libuffd-preload.so: unmodified programs written against
 * <linux/userfaultfd.h> on either engine (LD_PRELOAD, or `uffd run`).
 *
 * Built from the whole library plus this file, which routes what such a
 * program does to create and drive a uffd:
 *
 *   syscall(SYS_userfaultfd, flags), userfaultfd(flags)  -> uffd_open(flags)
 *   open/openat("/dev/userfaultfd") + USERFAULTFD_IOC_NEW -> the same, via a
 *	stand-in descriptor when the kernel's device cannot be used
 *   ioctl() on a uffd                                     -> uffd_ioctl()
 *
 * honouring UFFD_ENGINE (default auto: the kernel's uffd when it can be
 * created, else the emulated engine) and UFFD_DENY_KERNEL.  It also turns
 * on the pre-touching of system-call buffers (emu_pretouch.c) and
 * interposes the calls listed in docs/preload.md for it.  Everything else
 * goes straight to the C library: every interposer first checks one table
 * or flag.
 *
 * The library's own interposers (read, poll, close, dup*, sigaction,
 * sigprocmask, mmap/munmap/madvise...) are in this object too, so signal
 * handling and memory calls behave as documented for linked programs.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

#define DEV_PATH "/dev/userfaultfd"

static struct {
	long (*syscall)(long, ...);
	int (*open)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*ioctl)(int, unsigned long, ...);
	ssize_t (*pread)(int, void *, size_t, off_t);
	ssize_t (*preadv)(int, const struct iovec *, int, off_t);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*pwrite)(int, const void *, size_t, off_t);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*pwritev)(int, const struct iovec *, int, off_t);
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *,
			  socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	ssize_t (*getrandom)(void *, size_t, unsigned int);
	int (*stat)(const char *, struct stat *);
	int (*fstat)(int, struct stat *);
	int (*lstat)(const char *, struct stat *);
	int (*fstatat)(int, const char *, struct stat *, int);
	int (*statx)(int, const char *, int, unsigned int, struct statx *);
} pl;

#define PL_NEED(name) do { if (unlikely(!pl.name)) \
	pl.name = (__typeof__(pl.name))dlsym(RTLD_NEXT, #name); } while (0)

/* Everything resolved before main(): some are called from signal handlers. */
__attribute__((constructor(110))) static void preload_init(void)
{
	PL_NEED(syscall);
	PL_NEED(open);
	PL_NEED(openat);
	PL_NEED(ioctl);
	PL_NEED(pread);
	PL_NEED(preadv);
	PL_NEED(recv);
	PL_NEED(recvfrom);
	PL_NEED(write);
	PL_NEED(pwrite);
	PL_NEED(writev);
	PL_NEED(pwritev);
	PL_NEED(send);
	PL_NEED(sendto);
	PL_NEED(sendmsg);
	PL_NEED(getrandom);
	PL_NEED(stat);
	PL_NEED(fstat);
	PL_NEED(lstat);
	PL_NEED(fstatat);
	PL_NEED(statx);
	pretouch_enabled = true;
	/*
	 * auto: a kernel uffd the kernel would only give user-mode-only
	 * (unprivileged, vm.unprivileged_userfaultfd=0) is worse here than the
	 * emulated engine with pre-touched system-call buffers.
	 */
	auto_prefers_full = true;
}

/* ---- creating a uffd -------------------------------------------------------- */

UFFD_EXPORT int userfaultfd(int flags)
{
	return uffd_open(flags);
}

UFFD_EXPORT long syscall(long nr, ...)
{
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_userfaultfd)
		return uffd_open((int)a[0]);
	PL_NEED(syscall);
	return pl.syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/*
 * /dev/userfaultfd: with the kernel engine usable (and chosen), the real
 * device.  Otherwise a stand-in -- a memfd named like the device -- whose
 * USERFAULTFD_IOC_NEW creates an emulated uffd.
 */
static _Atomic int standin[1024];	/* fd + 1 of stand-in devices, 0 free */
static _Atomic int nstandin;

static bool is_standin(int fd)
{
	int i;

	if (fd < 0 || !atomic_load_explicit(&nstandin, memory_order_relaxed))
		return false;
	for (i = 0; i < 1024; i++)
		if (atomic_load_explicit(&standin[i], memory_order_relaxed) == fd + 1)
			return true;
	return false;
}

static void forget_standin(int fd)
{
	int i, want;

	for (i = 0; i < 1024; i++) {
		want = fd + 1;
		if (atomic_compare_exchange_strong(&standin[i], &want, 0)) {
			atomic_fetch_sub(&nstandin, 1);
			return;
		}
	}
}

static bool use_kernel_device(void)
{
	enum uffd_engine_kind k = env_engine();

	return !env_deny_kernel() && (k == UFFD_ENGINE_KERNEL || k == UFFD_ENGINE_AUTO);
}

static bool is_dev_path(const char *path)
{
	return path && !strcmp(path, DEV_PATH);
}

static int open_device(int dirfd, const char *path, int flags, mode_t mode)
{
	int fd, err, i;

	if (use_kernel_device()) {
		fd = pl.openat(dirfd, path, flags, mode);
		if (fd >= 0 || env_engine() == UFFD_ENGINE_KERNEL)
			return fd;
		err = errno;
		if (err != ENOENT && err != EACCES && err != EPERM && err != ENXIO &&
		    err != ENODEV)
			return -1;
	} else if (env_engine() == UFFD_ENGINE_KERNEL) {
		errno = EPERM;		/* denied, as a seccomp filter would */
		return -1;
	}
	fd = memfd_create("userfaultfd", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (fd < 0)
		return -1;
	for (i = 0; i < 1024; i++) {
		int zero = 0;

		if (atomic_compare_exchange_strong(&standin[i], &zero, fd + 1)) {
			atomic_fetch_add(&nstandin, 1);
			return fd;
		}
	}
	real_close(fd);
	errno = EMFILE;
	return -1;
}

UFFD_EXPORT int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	PL_NEED(openat);
	if (unlikely(is_dev_path(path)))
		return open_device(AT_FDCWD, path, flags, mode);
	PL_NEED(open);
	return pl.open(path, flags, mode);
}

UFFD_EXPORT int open64(const char *path, int flags, ...)
	__attribute__((alias("open")));

UFFD_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	PL_NEED(openat);
	if (unlikely(is_dev_path(path)))
		return open_device(dirfd, path, flags, mode);
	return pl.openat(dirfd, path, flags, mode);
}

UFFD_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
	__attribute__((alias("openat")));

/* _FORTIFY_SOURCE's entry points (flags without O_CREAT). */
UFFD_EXPORT int __open_2(const char *path, int flags)
{
	return open(path, flags);
}

UFFD_EXPORT int __open64_2(const char *path, int flags)
{
	return open(path, flags);
}

UFFD_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

UFFD_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

/* ---- ioctl ---------------------------------------------------------------------- */

/*
 * Defined without the ellipsis (x86-64 and AArch64 pass the third argument
 * the same way either way), so that the common case is a tail call: no
 * extra return after the system call.
 */
int preload_ioctl(int fd, unsigned long request, void *arg) __asm__("ioctl");
UFFD_EXPORT int preload_ioctl(int fd, unsigned long request, void *arg)
{
	int r;

	if (likely(!fdtab_any()) && likely(_IOC_TYPE(request) != UFFDIO) &&
	    likely(!atomic_load_explicit(&nstandin, memory_order_relaxed)) &&
	    likely(pl.ioctl != NULL))
		return pl.ioctl(fd, request, arg);
	if (unlikely(emu_is_uffd(fd)))
		return emu_ioctl(fd, request, arg);
	if (unlikely(request == USERFAULTFD_IOC_NEW) && is_standin(fd))
		return uffd_open_engine((int)(uintptr_t)arg, UFFD_ENGINE_EMULATED);
	PL_NEED(ioctl);
	r = pl.ioctl(fd, request, arg);
	if (r == 0 && _IOC_TYPE(request) == UFFDIO)
		orphan_kernel_ioctl(fd, request, arg);
	/* A uffd that reached us some way we did not see (an exec, say). */
	if (unlikely(r < 0 && errno == ENOTTY && _IOC_TYPE(request) == UFFDIO)) {
		int e = errno;

		if (emu_adopt(fd))
			return emu_ioctl(fd, request, arg);
		errno = e;
	}
	if (unlikely(r < 0 && is_standin(fd))) {
		errno = EINVAL;		/* the device answers EINVAL to the rest */
		return -1;
	}
	return r;
}

/* ---- buffers the kernel writes: touched for write first -------------------------- */

UFFD_EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	PL_NEED(pread);
	pretouch(buf, n, true);
	return pl.pread(fd, buf, n, off);
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
	PL_NEED(preadv);
	pretouch_iov(iov, cnt, true);
	return pl.preadv(fd, iov, cnt, off);
}

UFFD_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int cnt, off_t off)
	__attribute__((alias("preadv")));

UFFD_EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	PL_NEED(recv);
	pretouch(buf, n, true);
	return pl.recv(fd, buf, n, flags);
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
	PL_NEED(recvfrom);
	pretouch(buf, n, true);
	return pl.recvfrom(fd, buf, n, flags, sa, salen);
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
	PL_NEED(getrandom);
	pretouch(buf, n, true);
	return pl.getrandom(buf, n, flags);
}

UFFD_EXPORT int stat(const char *path, struct stat *st)
{
	PL_NEED(stat);
	pretouch(st, sizeof(*st), true);
	return pl.stat(path, st);
}

/* On 64-bit glibc struct stat64 is struct stat. */
UFFD_EXPORT int stat64(const char *path, struct stat64 *st)
{
	return stat(path, (struct stat *)st);
}

UFFD_EXPORT int fstat(int fd, struct stat *st)
{
	PL_NEED(fstat);
	pretouch(st, sizeof(*st), true);
	return pl.fstat(fd, st);
}

UFFD_EXPORT int fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

UFFD_EXPORT int lstat(const char *path, struct stat *st)
{
	PL_NEED(lstat);
	pretouch(st, sizeof(*st), true);
	return pl.lstat(path, st);
}

UFFD_EXPORT int lstat64(const char *path, struct stat64 *st)
{
	return lstat(path, (struct stat *)st);
}

UFFD_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	PL_NEED(fstatat);
	pretouch(st, sizeof(*st), true);
	return pl.fstatat(dirfd, path, st, flags);
}

UFFD_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return fstatat(dirfd, path, (struct stat *)st, flags);
}

UFFD_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask,
		      struct statx *stx)
{
	PL_NEED(statx);
	pretouch(stx, sizeof(*stx), true);
	return pl.statx(dirfd, path, flags, mask, stx);
}

/* ---- buffers the kernel reads: touched with a load first -------------------------- */

UFFD_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	PL_NEED(write);
	pretouch(buf, n, false);
	return pl.write(fd, buf, n);
}

UFFD_EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	PL_NEED(pwrite);
	pretouch(buf, n, false);
	return pl.pwrite(fd, buf, n, off);
}

UFFD_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
	__attribute__((alias("pwrite")));

UFFD_EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	PL_NEED(writev);
	pretouch_iov(iov, cnt, false);
	return pl.writev(fd, iov, cnt);
}

UFFD_EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	PL_NEED(pwritev);
	pretouch_iov(iov, cnt, false);
	return pl.pwritev(fd, iov, cnt, off);
}

UFFD_EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off)
	__attribute__((alias("pwritev")));

UFFD_EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	PL_NEED(send);
	pretouch(buf, n, false);
	return pl.send(fd, buf, n, flags);
}

UFFD_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			   const struct sockaddr *sa, socklen_t salen)
{
	PL_NEED(sendto);
	pretouch(buf, n, false);
	return pl.sendto(fd, buf, n, flags, sa, salen);
}

UFFD_EXPORT ssize_t sendmsg(int fd, const struct msghdr *mh, int flags)
{
	PL_NEED(sendmsg);
	if (mh)
		pretouch_iov(mh->msg_iov, (int)mh->msg_iovlen, false);
	return pl.sendmsg(fd, mh, flags);
}

/* A stand-in device closed: forget it (called by the library's close()). */
void preload_close_hook(int fd)
{
	if (unlikely(is_standin(fd)))
		forget_standin(fd);
}
