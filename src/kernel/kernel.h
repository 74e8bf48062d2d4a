/* SPDX-License-Identifier: MIT */
/*
 * The kernel engine (kernel.c: creation; orphan.c: the orphan policy's
 * watchdog).  Everything else reaches it through kernel_engine.
 */
#ifndef LIBUFFD_KERNEL_H
#define LIBUFFD_KERNEL_H

#include "internal.h"

int kernel_open(int flags, struct uffd_engine_info *why);
bool kernel_is_uffd(int fd);
void kernel_note_ioctl(int fd, unsigned long request, const void *arg);
int kernel_set_orphan_policy(int fd, enum uffd_orphan_policy policy,
			     uint64_t timeout_ns);
void kernel_forget_fd(int fd);

#endif
