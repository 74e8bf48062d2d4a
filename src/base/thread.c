/* SPDX-License-Identifier: MIT */
/* The library's own threads (thread.h). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include "base/real.h"
#include "base/thread.h"

int thread_start_quiet(void *(*fn)(void *), size_t stack)
{
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t t;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, stack);
	/* The thread inherits the mask in force at its creation. */
	sigfillset(&all);
	real_pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&t, &attr, fn, NULL);
	real_pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return -err;
}
