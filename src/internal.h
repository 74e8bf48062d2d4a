/* SPDX-License-Identifier: MIT */
/*
 * Declarations shared by the library's source files; not installed.
 *
 * The top level (open.c, orphan.c) reaches each engine only through its
 * struct engine_ops; the interposers (src/interpose/) also use
 * emu/emu.h.  docs/architecture.md draws the whole picture.
 */
#ifndef LIBUFFD_INTERNAL_H
#define LIBUFFD_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>
#include "uffd.h"

#define UFFD_EXPORT __attribute__((visibility("default")))
#define UFFD_HIDDEN __attribute__((visibility("hidden")))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define PAGE_SIZE_4K 4096UL
/* Largest user address + 1 on 4-level x86-64 (the kernel's TASK_SIZE). */
#define UFFD_TASK_SIZE 0x7ffffffff000ULL

/* The flags userfaultfd(2) accepts. */
#define UFFD_OPEN_FLAGS (O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY)

/*
 * An engine, as the top level sees it.  Members an engine does not need
 * are NULL (noted per member).
 */
struct engine_ops {
	const char *name;		/* what uffd_engine() answers */
	/* Create a uffd: fd, or -1 with errno and *why filled (may be NULL). */
	int (*open)(int flags, struct uffd_engine_info *why);
	/* Is @fd a uffd of this engine? */
	bool (*owns)(int fd);
	/* ioctl(2) on one of its uffds (kernel: NULL, uffd_ioctl() inlines it). */
	int (*ioctl)(int fd, unsigned long request, void *arg);
	/* A UFFDIO_* ioctl on one of its uffds succeeded (emulated: NULL). */
	void (*ioctl_done)(int fd, unsigned long request, const void *arg);
	/* Recognise a uffd this process received or inherited (kernel: NULL). */
	bool (*adopt)(int fd);
	/* 0 or -errno. */
	int (*set_orphan_policy)(int fd, enum uffd_orphan_policy policy,
				 uint64_t timeout_ns);
	/* Close one of its uffds (as close() would). */
	int (*close)(int fd);
	/* @fd, whatever it is, is being closed (emulated: NULL). */
	void (*forget_fd)(int fd);
	/* Features and masks it would report, without a uffd (kernel: NULL). */
	void (*describe)(struct uffd_engine_info *info);
	/*
	 * PAGEMAP_SCAN on a pagemap descriptor: the kernel's answer, with
	 * this engine's registrations as the kernel would report them
	 * (kernel: NULL).  Returns as ioctl(2).
	 */
	long (*pagemap_scan)(int fd, void *arg);
};

extern const struct engine_ops kernel_engine;	/* src/kernel/ */
extern const struct engine_ops emu_engine;	/* src/emu/ */

/*
 * src/interpose/: one per interposer object, referred to by open.c.
 * Linked statically, an archive member comes in only when something refers
 * to it, and a shared library earlier on the link line that defines the
 * same names (a sanitizer runtime, say) would otherwise keep them out.
 */
extern const char interpose_fd_linked, interpose_poll_linked,
	interpose_signal_linked, interpose_mm_linked, interpose_open_linked,
	interpose_stat_linked, interpose_proc_linked;

/* diag.c: per-thread explanation of the last failed uffd_open*(). */
void diag_clear(void);
void diag_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *diag_get(void);

/* open.c: auto avoids a kernel uffd forced to UFFD_USER_MODE_ONLY. */
extern bool auto_prefers_full;

/* orphan.c: $UFFD_ORPHAN_POLICY for a uffd just opened. */
void orphan_apply_env(int fd);

/* env.c: the environment knobs. */
enum uffd_engine_kind env_engine(void);
bool env_deny_kernel(void);

#endif
