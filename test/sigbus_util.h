/*
 * Catching the SIGBUS an access raises, for the tests of
 * UFFD_FEATURE_SIGBUS and UFFDIO_POISON: bus_catch() installs the handler,
 * bus_try() makes one access and says which signal it raised (0: none),
 * bus_expect() checks that an access raises SIGBUS, BUS_ADRERR, at exactly
 * its address.  The last signal's details stay in bus_code and bus_addr;
 * bus_count counts them all.
 */
#ifndef SIGBUS_UTIL_H
#define SIGBUS_UTIL_H

#include "harness.h"
#include <setjmp.h>

static sigjmp_buf bus_env;
static volatile int bus_count, bus_signo, bus_code;
static void *volatile bus_addr;

static inline void bus_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	bus_signo = sig;
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	bus_count++;
	siglongjmp(bus_env, 1);
}

static inline void bus_catch(void)
{
	struct sigaction sa = { .sa_sigaction = bus_handler, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGBUS, &sa, NULL));
}

/* Read @a, or store @v there if @write: 0, or the signal it raised. */
static inline int bus_try(volatile char *a, int write, char v)
{
	bus_signo = 0;
	bus_addr = NULL;
	if (sigsetjmp(bus_env, 1) == 0) {
		if (write)
			*a = v;
		else
			(void)*a;
		return 0;
	}
	return bus_signo;
}

static inline void bus_expect(char *a, int write)
{
	CHECK_EQ(bus_try(a, write, 1), SIGBUS);
	CHECK_EQ(bus_code, BUS_ADRERR);
	CHECK_MSG(bus_addr == a, "si_addr %p, expected %p", bus_addr, (void *)a);
}

#endif
