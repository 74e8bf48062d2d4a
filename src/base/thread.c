/* SPDX-License-Identifier: MIT */
/* The library's own threads (thread.h). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include "base/real.h"
#include "base/sys.h"
#include "base/thread.h"

/* Lives on the creator's stack until the thread has copied it. */
struct start {
	void *(*fn)(void *);
	_Atomic uint32_t running;
};

static void *start_main(void *p)
{
	struct start *s = p;
	void *(*fn)(void *) = s->fn;

	/* After this store @s may be gone: the wake only names its address. */
	atomic_store_explicit(&s->running, 1, memory_order_release);
	sys_futex_wake(&s->running, 1);
	return fn(NULL);
}

int thread_start_quiet(void *(*fn)(void *), size_t stack)
{
	struct start s = { fn, 0 };
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
	err = pthread_create(&t, &attr, start_main, &s);
	real_pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err)
		return -err;
	/*
	 * Return once the thread runs @fn: whatever its start-up does (a
	 * sanitizer's runtime allocates there, with locks no fork() handler
	 * takes) is over before our caller can fork().
	 */
	while (!atomic_load_explicit(&s.running, memory_order_acquire))
		sys_futex_wait(&s.running, 0, NULL);
	return 0;
}
