/* SPDX-License-Identifier: MIT */
/* The library's own threads (thread.c). */
#ifndef LIBUFFD_THREAD_H
#define LIBUFFD_THREAD_H

#include <stddef.h>

/*
 * Start a detached thread running @fn(NULL) on a stack of @stack bytes,
 * with every signal blocked: libuffd's threads take no signal, so none of
 * the application's handlers ever runs on them.  0 or -errno.
 */
int thread_start_quiet(void *(*fn)(void *), size_t stack);

#endif
