/* SPDX-License-Identifier: MIT */
/*
 * The public entry points: creating a uffd on the chosen engine, ioctl
 * dispatch, and telling engines apart.
 *
 * Engine selection: uffd_open() reads $UFFD_ENGINE (auto, kernel,
 * emulated; default auto).  `auto` uses the kernel's userfaultfd when it can
 * be created here and falls back to the emulated engine when the kernel
 * facility is unusable (EPERM from a seccomp filter or the sysctl, EACCES,
 * ENOENT, ENOSYS).  Errors that would be the same on every engine (EINVAL
 * for bad flags, EMFILE, ENFILE, ENOMEM) are returned as they are.  After
 * a fallback, uffd_diagnostic() says why the kernel engine was not used.
 *
 * The engines are reached through their struct engine_ops (internal.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "internal.h"
#include "base/real.h"
#include "base/sys.h"

bool auto_prefers_full;

/* Every program that can open a uffd gets the interposers (internal.h). */
__attribute__((used)) static const char *const interposers[] = {
	&interpose_fd_linked, &interpose_poll_linked, &interpose_signal_linked,
	&interpose_mm_linked,
};

/* The kernel engine, unless UFFD_DENY_KERNEL makes it look blocked. */
static int open_kernel(int flags, struct uffd_engine_info *why)
{
	int fd;

	if (env_deny_kernel()) {
		snprintf(why->path, sizeof(why->path), "denied");
		snprintf(why->reason, sizeof(why->reason), "kernel userfaultfd "
			 "denied by UFFD_DENY_KERNEL (as a seccomp filter would: EPERM)");
		snprintf(why->fix, sizeof(why->fix), "unset UFFD_DENY_KERNEL");
		errno = EPERM;
		return -1;
	}
	fd = kernel_engine.open(flags, why);
	if (fd >= 0 && why->user_mode_only)
		diag_set("kernel engine: created with UFFD_USER_MODE_ONLY "
			 "(no CAP_SYS_PTRACE, vm.unprivileged_userfaultfd=0)");
	return fd;
}

static bool kernel_unusable(int err)
{
	return err == EPERM || err == EACCES || err == ENOENT || err == ENOSYS ||
	       err == ENODEV || err == ENXIO || err == EOPNOTSUPP;
}

UFFD_EXPORT int uffd_open_engine(int flags, enum uffd_engine_kind kind)
{
	struct uffd_engine_info kwhy, ewhy;
	int fd, kerr;

	diag_clear();
	memset(&kwhy, 0, sizeof(kwhy));
	memset(&ewhy, 0, sizeof(ewhy));
	switch (kind) {
	case UFFD_ENGINE_KERNEL:
		fd = open_kernel(flags, &kwhy);
		if (fd < 0)
			diag_set("kernel engine: %s%s%s", kwhy.reason,
				 kwhy.fix[0] ? "; fix: " : "", kwhy.fix);
		return fd;
	case UFFD_ENGINE_EMULATED:
		fd = emu_engine.open(flags, &ewhy);
		if (fd < 0)
			diag_set("emulated engine: %s%s%s", ewhy.reason,
				 ewhy.fix[0] ? "; fix: " : "", ewhy.fix);
		return fd;
	case UFFD_ENGINE_AUTO:
		fd = open_kernel(flags, &kwhy);
		if (fd >= 0 && kwhy.user_mode_only && !(flags & UFFD_USER_MODE_ONLY) &&
		    auto_prefers_full) {
			int efd = emu_engine.open(flags, &ewhy);

			if (efd >= 0) {
				kernel_engine.close(fd);
				diag_set("emulated engine chosen; kernel engine not used: %s",
					 kwhy.reason);
				return efd;
			}
		}
		if (fd >= 0)
			return fd;
		kerr = errno;
		if (!kernel_unusable(kerr)) {
			diag_set("kernel engine: %s", kwhy.reason);
			errno = kerr;
			return -1;
		}
		fd = emu_engine.open(flags, &ewhy);
		if (fd >= 0) {
			/* A program must be able to tell why it runs emulated. */
			diag_set("emulated engine chosen; kernel engine not used: %s",
				 kwhy.reason);
			return fd;
		}
		diag_set("kernel engine: %s; emulated engine: %s", kwhy.reason,
			 ewhy.reason);
		errno = kerr;
		return -1;
	}
	diag_set("unknown engine %d", (int)kind);
	errno = EINVAL;
	return -1;
}

UFFD_EXPORT int uffd_open(int flags)
{
	enum uffd_engine_kind kind = env_engine();
	int fd;

	if ((int)kind < 0) {
		diag_clear();
		diag_set("UFFD_ENGINE must be auto, kernel or emulated");
		errno = EINVAL;
		return -1;
	}
	fd = uffd_open_engine(flags, kind);
	if (fd >= 0)
		orphan_apply_env(fd);
	return fd;
}

UFFD_EXPORT int uffd_ioctl(int fd, unsigned long request, void *arg)
{
	int r;

	if (emu_engine.owns(fd))
		return emu_engine.ioctl(fd, request, arg);
	/* The kernel engine: ioctl(2) itself, inline (base/sys.h says why). */
	r = sys_ioctl(fd, request, arg);
	if (likely(_IOC_TYPE(request) != UFFDIO))
		return r;
	if (r == 0) {
		kernel_engine.ioctl_done(fd, request, arg);
	} else if (errno == ENOTTY) {
		int e = errno;

		if (emu_engine.adopt(fd))
			return emu_engine.ioctl(fd, request, arg);	/* received */
		errno = e;
	}
	return r;
}

UFFD_EXPORT const char *uffd_engine(int fd)
{
	if (emu_engine.owns(fd))
		return emu_engine.name;
	if (kernel_engine.owns(fd))
		return kernel_engine.name;
	return NULL;
}

/* Close a uffd opened here for a look at it. */
static void close_uffd(int fd)
{
	if (emu_engine.owns(fd))
		emu_engine.close(fd);
	else
		kernel_engine.close(fd);
}

UFFD_EXPORT const char *uffd_diagnostic(void)
{
	return diag_get();
}

/* Create, handshake and register one page: what the engine reports. */
static void probe_masks(int fd, struct uffd_engine_info *info)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	void *p;

	if (uffd_ioctl(fd, UFFDIO_API, &api) == 0) {
		info->features = api.features;
		info->ioctls = api.ioctls;
	}
	p = real_mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)p;
	reg.range.len = 4096;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (uffd_ioctl(fd, UFFDIO_REGISTER, &reg) == 0)
		info->range_ioctls = reg.ioctls;
	real_munmap(p, 4096);
}

UFFD_EXPORT int uffd_probe_engine(enum uffd_engine_kind kind,
				  struct uffd_engine_info *info)
{
	int fd;

	memset(info, 0, sizeof(*info));
	info->kind = kind;
	if (kind == UFFD_ENGINE_AUTO) {
		fd = uffd_open_engine(O_CLOEXEC, UFFD_ENGINE_AUTO);
		if (fd < 0) {
			info->error = errno;
			snprintf(info->reason, sizeof(info->reason), "%s",
				 uffd_diagnostic());
			return -1;
		}
		info->kind = emu_engine.owns(fd) ? UFFD_ENGINE_EMULATED :
						    UFFD_ENGINE_KERNEL;
		close_uffd(fd);
		return uffd_probe_engine(info->kind, info) == 0 ? 0 : -1;
	}
	if (kind == UFFD_ENGINE_KERNEL)
		fd = open_kernel(O_CLOEXEC, info);
	else if (kind == UFFD_ENGINE_EMULATED)
		fd = emu_engine.open(O_CLOEXEC, info);
	else {
		errno = EINVAL;
		return -1;
	}
	if (fd < 0) {
		info->error = errno;
		return -1;
	}
	info->usable = 1;
	if (kind == UFFD_ENGINE_EMULATED)
		emu_engine.describe(info);
	probe_masks(fd, info);
	close_uffd(fd);
	return 0;
}
