/* SPDX-License-Identifier: MIT */
/* Which process this is, without a system call (self.c). */
#ifndef LIBUFFD_SELF_H
#define LIBUFFD_SELF_H

#include <sys/types.h>

/*
 * getpid(), exact across fork() and a raw clone() that skips the
 * pthread_atfork() hooks, async-signal-safe, and a system call only the
 * first time after a fork.  A vfork() child -- which shares our memory --
 * gets the parent's pid: the memory it touches is the parent's.
 */
pid_t self_pid(void);
/* Make the page self_pid() keeps the pid in (idempotent; not async-signal-safe). */
void self_pid_init(void);

#endif
