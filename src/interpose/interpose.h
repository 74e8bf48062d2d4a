/* SPDX-License-Identifier: MIT */
/*
 * The C-library interposers (src/interpose/): functions with the C
 * library's names, exported from libuffd.so, libuffd.a and
 * libuffd-preload.so, so that a program's calls reach libuffd first.
 *
 * Each one is a gate: a lookup that costs one predictable branch when the
 * descriptor, signal or range is not libuffd's, then the C library's
 * function (base/real.h) or the engine's (emu/emu.h).  The semantics live
 * in the engines; nothing below this folder calls back up into it.
 */
#ifndef LIBUFFD_INTERPOSE_H
#define LIBUFFD_INTERPOSE_H

#include <stdbool.h>
#include <sys/types.h>
#include "emu/emu.h"
#include "base/real.h"

/* preload.c, in libuffd-preload.so only: a stand-in device was closed. */
void preload_close_hook(int fd) __attribute__((weak));
/* preload.c, in libuffd-preload.so only: open("/dev/userfaultfd"). */
int preload_open_device(int dirfd, const char *path, int flags, mode_t mode)
	__attribute__((weak));

/*
 * proc.c: open() of an emulated uffd's /proc view (fd link, fdinfo):
 * true with *ret the answer, false to let the C library open @path.
 */
bool proc_open_view(const char *path, int flags, int *ret);

#endif
