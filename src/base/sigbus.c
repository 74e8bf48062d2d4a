/* SPDX-License-Identifier: MIT */
/*
 * libuffd's SIGBUS handler (sigchain.h).
 *
 * Every SIGBUS the kernel sends is the application's and is chained to its
 * handler.  One kind is libuffd's own: the kernel engine's orphan watchdog
 * (src/kernel/orphan.c) must raise BUS_ADRERR on threads stuck in a fault,
 * but may only queue SI_QUEUE signals to another thread.  It marks those
 * with a cookie, and this handler turns them into the BUS_ADRERR (address
 * unknown: NULL) they stand for -- after the watchdog has finished moving
 * the ranges (sigbus_hold/sigbus_release), so that what the application
 * does next faults with SIGBUS and not on the old uffd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "base/sigchain.h"
#include "base/sys.h"

static int deferred_cookie;
static _Atomic uint32_t holding;

static void on_sigbus(int sig, siginfo_t *si, void *ucv)
{
	int saved_errno = errno;

	if (si->si_code == SI_QUEUE && si->si_value.sival_ptr == &deferred_cookie &&
	    si->si_pid == sys_getpid()) {
		struct timespec ts = { 0, 100000000 };
		siginfo_t bus;
		int n;

		/* Bounded: 10 x 100 ms. */
		for (n = 0; n < 10 && atomic_load(&holding); n++)
			sys_futex_wait(&holding, 1, &ts);
		memset(&bus, 0, sizeof(bus));
		bus.si_signo = SIGBUS;
		bus.si_code = BUS_ADRERR;
		sig_chain(sig, &bus, ucv, true);
	} else {
		sig_chain(sig, si, ucv, false);
	}
	errno = saved_errno;
}

int sigbus_take_over(void)
{
	return sig_take_over(SIGBUS, on_sigbus);
}

void sigbus_hold(void)
{
	atomic_store(&holding, 1);
}

int sigbus_send_deferred(pid_t tid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGBUS;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_ptr = &deferred_cookie;
	return sys_tgsigqueueinfo(getpid(), tid, SIGBUS, &si);
}

void sigbus_release(void)
{
	if (atomic_exchange(&holding, 0))
		sys_futex_wake(&holding, INT32_MAX);
}
