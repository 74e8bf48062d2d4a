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

/* /proc/self/pagemap entry bits (include/uffd.h). */
#define PM_PRESENT	UFFD_PM_PRESENT
#define PM_SWAP		UFFD_PM_SWAP
#define PM_FILE		UFFD_PM_FILE
#define PM_GUARD	UFFD_PM_GUARD
#define PM_UFFD_WP	UFFD_PM_UFFD_WP
#define PM_EXCLUSIVE	UFFD_PM_EXCLUSIVE

/*
 * A system call issued inline, never through syscall(3): the preload shim
 * interposes syscall() (it routes SYS_userfaultfd to uffd_open), and the
 * fault path must not call up into it.  Returns the kernel's value, or
 * -1 with errno.
 *
 * Inline also for speed: measured with the kernel's return-stack
 * mitigations, every function return across a system call mispredicts, so
 * a wrapper around libc's ioctl() pays one extra misprediction -- about
 * 10 ns, 3 % of the cheapest uffd ioctl (docs/performance.md).  Inline,
 * uffd_ioctl() costs what a direct ioctl() does.
 */
static inline long sys_call(long nr, long a, long b, long c, long d, long e,
			    long f)
{
	long r;
#if defined(__x86_64__)
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ __volatile__("syscall"
			     : "=a"(r)
			     : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ __volatile__("svc 0"
			     : "+r"(x0)
			     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			     : "memory");
	r = x0;
#else
	/* Elsewhere libc's syscall(), which the shim may see. */
	r = syscall(nr, a, b, c, d, e, f);
	if (r == -1)
		r = -errno;
#endif
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static inline int sys_ioctl(int fd, unsigned long request, void *arg)
{
	return (int)sys_call(SYS_ioctl, fd, (long)request, (long)arg, 0, 0, 0);
}

static inline pid_t sys_gettid(void)
{
	return (pid_t)sys_call(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

static inline pid_t sys_getpid(void)
{
	return (pid_t)sys_call(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

static inline int sys_futex_wait(_Atomic uint32_t *word, uint32_t val,
				 const struct timespec *timeout)
{
	return (int)sys_call(SYS_futex, (long)word, FUTEX_WAIT_PRIVATE, val,
			     (long)timeout, 0, 0);
}

static inline int sys_futex_wake(_Atomic uint32_t *word, int n)
{
	return (int)sys_call(SYS_futex, (long)word, FUTEX_WAKE_PRIVATE, n, 0, 0, 0);
}

/* Shared (cross-process) variants, for words in MAP_SHARED memory. */
static inline int sys_futex_wait_shared(_Atomic uint32_t *word, uint32_t val,
					const struct timespec *timeout)
{
	return (int)sys_call(SYS_futex, (long)word, FUTEX_WAIT, val,
			     (long)timeout, 0, 0);
}

static inline int sys_futex_wake_shared(_Atomic uint32_t *word, int n)
{
	return (int)sys_call(SYS_futex, (long)word, FUTEX_WAKE, n, 0, 0, 0);
}

static inline int sys_tgsigqueueinfo(pid_t tgid, pid_t tid, int sig,
				     siginfo_t *si)
{
	return (int)sys_call(SYS_rt_tgsigqueueinfo, tgid, tid, sig, (long)si, 0, 0);
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
