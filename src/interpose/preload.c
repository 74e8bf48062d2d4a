/* SPDX-License-Identifier: MIT */
/*
 * libuffd-preload.so: unmodified programs written against
 * <linux/userfaultfd.h> on either engine (LD_PRELOAD, or `uffd run`).
 *
 * Built from the whole library plus this folder's preload*.c files.  This
 * one routes what such a program does to create and drive a uffd:
 *
 *   syscall(SYS_userfaultfd, flags), userfaultfd(flags)  -> uffd_open(flags)
 *   open/openat("/dev/userfaultfd") + USERFAULTFD_IOC_NEW -> the same, via a
 *	stand-in descriptor when the kernel's device cannot be used (the
 *	library's open interposer, src/interpose/open.c, hands it here)
 *   ioctl() on a uffd                                     -> uffd_ioctl()
 *
 * honouring UFFD_ENGINE (default auto: the kernel's uffd when it can be
 * created, else the emulated engine) and UFFD_DENY_KERNEL.  It also turns
 * on the pre-touching of system-call buffers (src/emu/pretouch.c, and the
 * interposers of preload_io.c).  Everything else goes straight to the C
 * library: every interposer first checks one table or flag.
 *
 * The library's own interposers (read, poll, close, dup*, sigaction,
 * sigprocmask, mmap/munmap/madvise...; the rest of this folder) are in the
 * shim too, so signal handling and memory calls behave as documented for
 * linked programs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "interpose/interpose.h"


/* Before main(): the shim's settings (the C library's functions: base/real.c). */
__attribute__((constructor(110))) static void preload_init(void)
{
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
	return REAL(syscall)(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
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

/* open()/openat() of "/dev/userfaultfd" (src/interpose/open.c asks). */
int preload_open_device(int dirfd, const char *path, int flags, mode_t mode)
{
	int fd, err, i;

	if (use_kernel_device()) {
		fd = REAL(openat)(dirfd, path, flags, mode);
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
	    likely(real.ioctl != NULL))
		return real.ioctl(fd, request, arg);
	if (unlikely(request == USERFAULTFD_IOC_NEW) && is_standin(fd))
		return uffd_open_engine((int)(uintptr_t)arg, UFFD_ENGINE_EMULATED);
	r = uffd_ioctl(fd, request, arg);
	if (unlikely(r < 0 && is_standin(fd))) {
		errno = EINVAL;		/* the device answers EINVAL to the rest */
		return -1;
	}
	return r;
}

/* A stand-in device closed: forget it (called by the library's close()). */
void preload_close_hook(int fd)
{
	if (unlikely(is_standin(fd)))
		forget_standin(fd);
}
