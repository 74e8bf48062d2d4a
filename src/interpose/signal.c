/* SPDX-License-Identifier: MIT */
/*
 * sigaction(), signal(), sigprocmask() and pthread_sigmask(): once libuffd
 * owns a signal's disposition (the emulated engine's SIGSEGV and SIGBUS),
 * what the application installs or blocks is kept as its view
 * (src/base/sigchain.c) instead of reaching the kernel.  Programs that
 * never use an emulated uffd pay one load.
 */
#define _GNU_SOURCE
#include <string.h>
#include "interpose/interpose.h"
#include "base/sigchain.h"

/* Referred to by src/open.c, so that static links keep this object. */
const char interpose_signal_linked;

UFFD_EXPORT int sigaction(int sig, const struct sigaction *act,
			  struct sigaction *old)
{
	struct sigaction copy;

	if (likely(!sig_owns_any()))
		return REAL(sigaction)(sig, act, old);
	if (sig_is_ours(sig))
		return sig_app_action(sig, act, old);
	/* Another signal's handler must not block the engine's signals. */
	if (act) {
		copy = *act;
		sig_strip_mask(&copy.sa_mask);
		act = &copy;
	}
	return REAL(sigaction)(sig, act, old);
}

static int mask_common(int how, const sigset_t *set, sigset_t *old, bool pt)
{
	sigset_t real_set;
	uint64_t view;
	int r;

	if (likely(!sig_owns_any()))
		return pt ? REAL(pthread_sigmask)(how, set, old)
			  : REAL(sigprocmask)(how, set, old);
	if (sig_mask_filter(how, set, &real_set, &view))
		set = &real_set;
	r = pt ? REAL(pthread_sigmask)(how, set, old) : REAL(sigprocmask)(how, set, old);
	if (old && (pt ? r == 0 : r >= 0))
		sig_mask_view(old, view);
	return r;
}

UFFD_EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return mask_common(how, set, old, false);
}

UFFD_EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return mask_common(how, set, old, true);
}

static sighandler_t bsd_signal_impl(int sig, sighandler_t h)
{
	struct sigaction a, old;

	if (likely(!sig_is_ours(sig)))
		return REAL(signal)(sig, h);
	memset(&a, 0, sizeof(a));
	a.sa_handler = h;
	sigemptyset(&a.sa_mask);
	sigaddset(&a.sa_mask, sig);
	a.sa_flags = SA_RESTART;
	sig_app_action(sig, &a, &old);
	return old.sa_handler;	/* shares storage with sa_sigaction */
}

UFFD_EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	return bsd_signal_impl(sig, h);
}

UFFD_EXPORT sighandler_t bsd_signal(int sig, sighandler_t h)
{
	return bsd_signal_impl(sig, h);
}
