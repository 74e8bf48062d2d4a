/* SPDX-License-Identifier: MIT */
/* Mutexes held with asynchronous signals blocked (lock.h). */
#define _GNU_SOURCE
#include "base/lock.h"
#include "base/real.h"

void lock_acquire(pthread_mutex_t *m, sigset_t *saved)
{
	sigset_t all;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGTRAP);
	real_pthread_sigmask(SIG_BLOCK, &all, saved);
	pthread_mutex_lock(m);
}

void lock_release(pthread_mutex_t *m, const sigset_t *saved)
{
	pthread_mutex_unlock(m);
	real_pthread_sigmask(SIG_SETMASK, saved, NULL);
}
