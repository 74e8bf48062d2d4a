/* SPDX-License-Identifier: MIT */
/*
 * A seccomp filter that refuses the kernel's userfaultfd the way container
 * runtimes do: Docker's, containerd's and Podman's default profiles answer
 * userfaultfd(2) with EPERM.  Header-only, shared by `uffd sandbox`
 * (tools/sandbox.c) and test/t_preload_seccomp.c.
 *
 * A classic BPF filter sees system-call numbers and arguments, not the
 * strings they point to, so it cannot pick out an open of
 * /dev/userfaultfd by itself: with SECCOMP_UFFD_NOTIFY_OPENS, open(2),
 * openat(2) and openat2(2) go to a supervisor process
 * (SECCOMP_RET_USER_NOTIF), which reads the path and answers
 * (tools/sandbox.c).  Tests that need no supervisor use
 * SECCOMP_UFFD_DENY_RDWR_OPENS: every openat() with exactly
 * O_RDWR | O_CLOEXEC -- the way libuffd opens the device -- answers EPERM
 * (other such opens, /proc/self/mem among them, are refused as well).
 */
#ifndef UFFD_TOOLS_SECCOMP_UFFD_H
#define UFFD_TOOLS_SECCOMP_UFFD_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define SECCOMP_UFFD_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_UFFD_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define SECCOMP_UFFD_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SECCOMP_UFFD_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define SECCOMP_UFFD_ARCH AUDIT_ARCH_S390X
#endif
#ifdef SECCOMP_UFFD_ARCH
#define SECCOMP_UFFD_ARCH_INSNS 3
#else
#define SECCOMP_UFFD_ARCH_INSNS 0
#endif

#ifndef __NR_openat2
#define __NR_openat2 437
#endif

/* "if the system call is @nr, return @action" as two instructions. */
#define SECCOMP_UFFD_IF(nr, action) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	BPF_STMT(BPF_RET | BPF_K, (action))

enum seccomp_uffd_opens {
	SECCOMP_UFFD_ALLOW_OPENS,	/* userfaultfd(2) only */
	SECCOMP_UFFD_NOTIFY_OPENS,	/* opens to the supervisor */
	SECCOMP_UFFD_DENY_RDWR_OPENS,	/* openat(O_RDWR | O_CLOEXEC): EPERM */
};

/* The low 32 bits of system-call argument @n. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SECCOMP_UFFD_ARG_LO(n) (offsetof(struct seccomp_data, args[n]))
#else
#define SECCOMP_UFFD_ARG_LO(n) (offsetof(struct seccomp_data, args[n]) + 4)
#endif

/*
 * Install the filter in the calling thread (after PR_SET_NO_NEW_PRIVS):
 * userfaultfd(2) fails with EPERM, and the opens as @opens says.  Returns
 * the listener (SECCOMP_UFFD_NOTIFY_OPENS) or 0; -1 with errno on failure.
 * System calls of another architecture (32-bit compat) are allowed.
 */
static inline int seccomp_uffd_install(enum seccomp_uffd_opens opens)
{
	bool notify_opens = opens == SECCOMP_UFFD_NOTIFY_OPENS;
	struct sock_filter code[] = {
#ifdef SECCOMP_UFFD_ARCH
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_UFFD_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
#endif
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		SECCOMP_UFFD_IF(__NR_userfaultfd,
				SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		SECCOMP_UFFD_IF(__NR_openat, SECCOMP_RET_USER_NOTIF),
		SECCOMP_UFFD_IF(__NR_openat2, SECCOMP_RET_USER_NOTIF),
#ifdef __NR_open
		SECCOMP_UFFD_IF(__NR_open, SECCOMP_RET_USER_NOTIF),
#endif
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	/*
	 * Without a supervisor, the filter allows everything after its
	 * userfaultfd check (the architecture check, the load, that check).
	 */
	size_t plain = SECCOMP_UFFD_ARCH_INSNS + 1 + 2;
	struct sock_fprog prog = { .filter = code };
	long fd;

	struct sock_filter rdwr[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_UFFD_ARG_LO(2)),
		SECCOMP_UFFD_IF(O_RDWR | O_CLOEXEC,
				SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	size_t k;

	if (opens == SECCOMP_UFFD_DENY_RDWR_OPENS)
		for (k = 0; k < sizeof(rdwr) / sizeof(rdwr[0]); k++)
			code[plain + k] = rdwr[k];
	else if (!notify_opens)
		code[plain] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)(notify_opens ? sizeof(code) / sizeof(code[0]) :
				    opens == SECCOMP_UFFD_DENY_RDWR_OPENS ?
				    plain + sizeof(rdwr) / sizeof(rdwr[0]) : plain + 1);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     notify_opens ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &prog);
	return fd < 0 ? -1 : (int)fd;
}

#endif
