/* SPDX-License-Identifier: MIT */
/*
 * Thin, async-signal-safe wrappers around system calls the library needs
 * and constants newer than the installed headers.
 */
#ifndef LIBUFFD_SYS_H
#define LIBUFFD_SYS_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/mman.h>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE 103
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef SYS_userfaultfd
#define SYS_userfaultfd 323
#endif

/* /proc/self/pagemap entry bits. */
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_FILE		(1ULL << 61)
#define PM_GUARD	(1ULL << 58)
#define PM_UFFD_WP	(1ULL << 57)
#define PM_EXCLUSIVE	(1ULL << 56)

/*
 * ioctl(2) for uffd_ioctl(), issued inline on x86_64 (libc's ioctl() on
 * other architectures).  Measured with the kernel's return-stack
 * mitigations: every function return across a system call mispredicts,
 * so a wrapper around libc's ioctl() pays one extra misprediction -- about
 * 10 ns, 3 % of the cheapest uffd ioctl (docs/performance.md).  Inline,
 * uffd_ioctl() costs what a direct ioctl() does.
 */
static inline int sys_ioctl(int fd, unsigned long request, void *arg)
{
#if defined(__x86_64__)
	long r;

	__asm__ __volatile__("syscall"
			     : "=a"(r)
			     : "0"((long)SYS_ioctl), "D"((long)fd), "S"(request), "d"(arg)
			     : "rcx", "r11", "memory");
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return (int)r;
#else
	return ioctl(fd, request, arg);
#endif
}

static inline pid_t sys_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static inline pid_t sys_getpid(void)
{
	return (pid_t)syscall(SYS_getpid);
}

static inline int sys_futex_wait(_Atomic uint32_t *word, uint32_t val,
				 const struct timespec *timeout)
{
	return (int)syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, timeout,
			    NULL, 0);
}

static inline int sys_futex_wake(_Atomic uint32_t *word, int n)
{
	return (int)syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, n, NULL,
			    NULL, 0);
}

/* Shared (cross-process) variants, for words in MAP_SHARED memory. */
static inline int sys_futex_wait_shared(_Atomic uint32_t *word, uint32_t val,
					const struct timespec *timeout)
{
	return (int)syscall(SYS_futex, word, FUTEX_WAIT, val, timeout, NULL, 0);
}

static inline int sys_futex_wake_shared(_Atomic uint32_t *word, int n)
{
	return (int)syscall(SYS_futex, word, FUTEX_WAKE, n, NULL, NULL, 0);
}

static inline int sys_tgsigqueueinfo(pid_t tgid, pid_t tid, int sig,
				     siginfo_t *si)
{
	return (int)syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, si);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

#endif
