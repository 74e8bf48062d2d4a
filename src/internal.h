/* SPDX-License-Identifier: MIT */
/* Declarations shared by the library's source files; not installed. */
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

/* diag.c: per-thread explanation of the last failed uffd_open*(). */
void diag_clear(void);
void diag_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *diag_get(void);

/* kernel.c: the kernel engine. */
int kernel_open(int flags, struct uffd_engine_info *why);
bool kernel_is_uffd(int fd);

/* emu_*.c: the emulated engine (entry points used by open.c). */
int emu_open(int flags, struct uffd_engine_info *why);
bool emu_available(struct uffd_engine_info *why);
int emu_ioctl(int fd, unsigned long request, void *arg);
bool emu_is_uffd(int fd);
int emu_probe_api(struct uffd_engine_info *info);
bool emu_adopt(int fd);
void orphan_apply_env(int fd);
void orphan_kernel_ioctl(int fd, unsigned long request, const void *arg);
void orphan_forget_fd(int fd);

/* interpose.c: syscall(2) past any interposer. */
long real_syscall(long nr, long a, long b, long c, long d, long e, long f);

/* open.c: auto avoids a kernel uffd forced to UFFD_USER_MODE_ONLY. */
extern bool auto_prefers_full;

/* env.c: the environment knobs. */
enum uffd_engine_kind env_engine(void);
bool env_deny_kernel(void);

#endif
