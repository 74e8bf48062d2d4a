/* SPDX-License-Identifier: MIT */
/* The library's own threads (thread.c). */
#ifndef LIBUFFD_THREAD_H
#define LIBUFFD_THREAD_H

#include <stddef.h>

/*
 * Start a detached thread running @fn(NULL) on a stack of @stack bytes,
 * with every signal blocked: libuffd's threads take no signal, so none of
 * the application's handlers ever runs on them.  Returns when the thread
 * has started (a fork() after it sees a settled thread, not one half-way
 * through its runtime's start-up).  0 or -errno.
 */
int thread_start_quiet(void *(*fn)(void *), size_t stack);

#endif
