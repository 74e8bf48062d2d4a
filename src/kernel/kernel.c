/* SPDX-License-Identifier: MIT */
/*
 * The kernel engine: a userfaultfd created by the kernel, used as is.
 *
 * Creation ladder (what users of the raw syscall keep re-writing):
 *   1. /dev/userfaultfd + USERFAULTFD_IOC_NEW (Linux 6.1+; access is
 *      governed by the file mode only, usually root:root 0600);
 *   2. userfaultfd(2);
 *   3. on EPERM without UFFD_USER_MODE_ONLY, userfaultfd(2) again with it
 *      (vm.unprivileged_userfaultfd=0 lets unprivileged callers have a
 *      user-mode-only uffd).
 * A seccomp filter may answer userfaultfd(2) with SIGSYS instead of an
 * errno; when the process runs under a filter, the first call is made in a
 * throw-away child sharing our memory, so the verdict never kills us.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "kernel/kernel.h"
#include "base/real.h"
#include "base/sys.h"

#define DEV_PATH "/dev/userfaultfd"

static void why_set(struct uffd_engine_info *why, const char *path,
		    const char *reason, const char *fix)
{
	if (!why)
		return;
	if (path)
		snprintf(why->path, sizeof(why->path), "%s", path);
	if (reason)
		snprintf(why->reason, sizeof(why->reason), "%s", reason);
	if (fix)
		snprintf(why->fix, sizeof(why->fix), "%s", fix);
}

/* Seccomp mode of this process from /proc/self/status (0 when unknown). */
static int seccomp_mode(void)
{
	char buf[4096];
	ssize_t n;
	int fd, mode = 0;
	char *p;

	fd = real_open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = real_read(fd, buf, sizeof(buf) - 1);
	real_close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "\nSeccomp:");
	if (p)
		mode = atoi(p + 9);
	return mode;
}

static int probe_child(void *arg)
{
	struct sigaction_raw {
		void *handler;
		unsigned long flags;
		void *restorer;
		unsigned long mask;
	} dfl = { 0 };
	struct rlimit none = { 0, 0 };

	(void)arg;
	/* Our own copy of the handlers and limits: no core, default SIGSYS. */
	sys_call(SYS_rt_sigaction, SIGSYS, (long)&dfl, 0, 8, 0, 0);
	sys_call(SYS_prlimit64, 0, RLIMIT_CORE, (long)&none, 0, 0, 0);
	if (sys_call(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY,
			 0, 0, 0, 0, 0) >= 0)
		return 0;
	return 1;
}

/*
 * Is calling userfaultfd(2) survivable here?  Cached per process: 1 yes,
 * 0 no (a seccomp filter kills or traps the caller).
 */
static int syscall_survivable(void)
{
	static _Atomic int cached = -1;
	static char stack[16384] __attribute__((aligned(16)));
	int v = cached, st, saved = errno;
	pid_t pid;

	if (v >= 0)
		return v;
	if (seccomp_mode() != 2) {
		cached = 1;
		return 1;
	}
	/* CLONE_VFORK: we sleep until the child exits, so one stack will do. */
	pid = clone(probe_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK,
		    NULL);
	if (pid < 0) {
		errno = saved;
		return 0;
	}
	while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
		;
	v = !WIFSIGNALED(st);
	cached = v;
	errno = saved;
	return v;
}

/*
 * The kernel's facility itself, never an interposer's version of it
 * (inside the preload shim, open() of the device and syscall(2) route back
 * to libuffd).
 */
static int syscall_open(int flags)
{
	long fd = sys_call(SYS_userfaultfd, flags, 0, 0, 0, 0, 0);

	return fd < 0 ? -1 : (int)fd;
}

static int device_open(void)
{
	long fd = sys_call(SYS_openat, AT_FDCWD, (long)DEV_PATH,
			       O_RDWR | O_CLOEXEC, 0, 0, 0);

	return fd < 0 ? -1 : (int)fd;
}

static int device_new(int dev, int flags)
{
	long fd = sys_call(SYS_ioctl, dev, USERFAULTFD_IOC_NEW, flags, 0, 0, 0);

	return fd < 0 ? -1 : (int)fd;
}

/*
 * What the attempt on the device came to, for the EPERM reason: a seccomp
 * filter answers before the path is looked up, so whether the node exists
 * is asked separately.
 */
static const char *device_outcome(int dev_err, bool opened)
{
	struct stat st;

	if (opened)
		return DEV_PATH " opened, but USERFAULTFD_IOC_NEW refused";
	if (dev_err == EACCES)
		return DEV_PATH " not accessible (EACCES)";
	if (dev_err == EPERM && stat(DEV_PATH, &st) == 0)
		return DEV_PATH " exists but opening it was refused (EPERM: a seccomp "
		       "filter or security module)";
	return DEV_PATH " not available";
}

int kernel_open(int flags, struct uffd_engine_info *why)
{
	char reason[sizeof(why->reason)];
	bool dev_opened = false;
	int dev, fd, err, dev_err;

	dev = device_open();
	dev_err = dev < 0 ? errno : 0;
	if (dev >= 0) {
		dev_opened = true;
		fd = device_new(dev, flags);
		err = errno;
		real_close(dev);
		if (fd >= 0) {
			why_set(why, DEV_PATH, NULL, NULL);
			return fd;
		}
		if (err == EINVAL) {
			why_set(why, DEV_PATH, "invalid flags",
				"use only O_CLOEXEC, O_NONBLOCK and UFFD_USER_MODE_ONLY");
			errno = EINVAL;
			return -1;
		}
		dev_err = err;
	}

	if (!syscall_survivable()) {
		why_set(why, "userfaultfd(2)",
			"userfaultfd(2) is trapped by this process's seccomp filter (SIGSYS), "
			"and " DEV_PATH " cannot be used",
			"allow userfaultfd in the seccomp profile, or use the emulated engine");
		errno = EPERM;
		return -1;
	}

	fd = syscall_open(flags);
	if (fd >= 0) {
		why_set(why, "userfaultfd(2)", NULL, NULL);
		return fd;
	}
	err = errno;
	if (err == EPERM && !(flags & UFFD_USER_MODE_ONLY)) {
		fd = syscall_open(flags | UFFD_USER_MODE_ONLY);
		if (fd >= 0) {
			if (why)
				why->user_mode_only = 1;
			why_set(why, "userfaultfd(2)+UFFD_USER_MODE_ONLY",
				"only user-mode faults are handled (kernel accesses get EFAULT): "
				"no CAP_SYS_PTRACE and vm.unprivileged_userfaultfd=0",
				"for kernel-mode faults too: CAP_SYS_PTRACE, "
				"sysctl vm.unprivileged_userfaultfd=1, or access to " DEV_PATH);
			return fd;
		}
		/* EPERM even when user-mode only: a filter, not the sysctl. */
	}

	switch (err) {
	case EPERM:
		snprintf(reason, sizeof(reason), "userfaultfd(2) denied (EPERM, typical "
			 "of the Docker/containerd/Podman default seccomp profiles) and %s",
			 device_outcome(dev_err, dev_opened));
		why_set(why, "userfaultfd(2)", reason,
			"allow userfaultfd in the seccomp profile (or run with "
			"--security-opt seccomp=unconfined), give access to " DEV_PATH
			", or use UFFD_ENGINE=emulated");
		break;
	case ENOSYS:
		why_set(why, "userfaultfd(2)",
			"the kernel has no userfaultfd (CONFIG_USERFAULTFD off, gVisor, or a "
			"seccomp filter answering ENOSYS)",
			"use UFFD_ENGINE=emulated");
		break;
	case EINVAL:
		why_set(why, "userfaultfd(2)", "invalid flags",
			"use only O_CLOEXEC, O_NONBLOCK and UFFD_USER_MODE_ONLY");
		break;
	default:
		why_set(why, "userfaultfd(2)", strerror(err), NULL);
		break;
	}
	errno = err;
	return -1;
}

/* A kernel uffd shows up as anon_inode:[userfaultfd] in /proc/self/fd. */
bool kernel_is_uffd(int fd)
{
	static const char want[] = "anon_inode:[userfaultfd]";
	char path[64], buf[64];
	ssize_t n;
	int saved = errno;

	if (fd < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, sizeof(buf));
	errno = saved;
	return n == (ssize_t)sizeof(want) - 1 && !memcmp(buf, want, (size_t)n);
}

static int kernel_close(int fd)
{
	kernel_forget_fd(fd);
	return real_close(fd);
}

const struct engine_ops kernel_engine = {
	.name = "kernel",
	.open = kernel_open,
	.owns = kernel_is_uffd,
	.ioctl_done = kernel_note_ioctl,
	.close = kernel_close,
	.set_orphan_policy = kernel_set_orphan_policy,
	.forget_fd = kernel_forget_fd,
};
