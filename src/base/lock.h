/* SPDX-License-Identifier: MIT */
/*
 * Mutexes held with asynchronous signals blocked (lock.c).
 *
 * No fault path takes these, but an application's signal handler could
 * call into libuffd while its thread holds one: asynchronous signals are
 * blocked while it is held.  Synchronous ones stay deliverable: a bad
 * ioctl argument faults into safe_read()/safe_write()'s recovery, and a
 * blocked SIGSEGV at a fault would kill the process.
 */
#ifndef LIBUFFD_LOCK_H
#define LIBUFFD_LOCK_H

#include <pthread.h>
#include <signal.h>

void lock_acquire(pthread_mutex_t *m, sigset_t *saved);
void lock_release(pthread_mutex_t *m, const sigset_t *saved);

#endif
