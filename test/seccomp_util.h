/* SPDX-License-Identifier: MIT */
/*
 * Seccomp filters for the tests that make the kernel's userfaultfd
 * unusable the way container runtimes do (t_preload_seccomp,
 * t_probe_device_refused).  The filter is installed on the calling thread
 * (with PR_SET_NO_NEW_PRIVS) and inherited by its children and across
 * exec; the test skips when filters are not permitted.
 */
#ifndef UFFD_TEST_SECCOMP_UTIL_H
#define UFFD_TEST_SECCOMP_UTIL_H

#include "harness.h"
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define SC_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SC_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define SC_AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SC_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define SC_AUDIT_ARCH AUDIT_ARCH_S390X
#endif

/* The low 32 bits of system-call argument @n. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SC_ARG_LO(n) (offsetof(struct seccomp_data, args[n]))
#else
#define SC_ARG_LO(n) (offsetof(struct seccomp_data, args[n]) + 4)
#endif

#define SC_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

/*
 * userfaultfd(2) answers EPERM, as the default profiles of Docker,
 * containerd and Podman do.  With @rdwr_opens too, every openat() with
 * exactly O_RDWR | O_CLOEXEC answers EPERM: the way libuffd opens
 * /dev/userfaultfd (a filter cannot look at the path; other read-write
 * opens of that kind, such as /proc/self/mem, are refused as well).
 */
static inline void sc_deny_userfaultfd(bool rdwr_opens)
{
	struct sock_filter code[] = {
#ifdef SC_AUDIT_ARCH
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SC_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
#endif
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_userfaultfd, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SC_EPERM),
		/* the last three only with @rdwr_opens (else: allow) */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SC_ARG_LO(2)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, O_RDWR | O_CLOEXEC, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SC_EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	size_t n = sizeof(code) / sizeof(code[0]);
	struct sock_fprog prog;

	if (!rdwr_opens) {
		code[n - 5] = code[n - 1];
		n -= 4;
	}
	prog.len = (unsigned short)n;
	prog.filter = code;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		t_skip("PR_SET_NO_NEW_PRIVS: %s", t_errname(errno));
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		t_skip("installing a seccomp filter: %s", t_errname(errno));
}

#endif
