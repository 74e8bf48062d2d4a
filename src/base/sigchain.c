/* SPDX-License-Identifier: MIT */
/*
 * Keeping the engine's SIGSEGV handler first while the application manages
 * its own signals.
 *
 * Once the engine is active, the real disposition of SIGSEGV is ours.
 * What the application installs with sigaction()/signal() (interposed in
 * src/interpose/signal.c) is stored here as its "view" and runs for every
 * fault the engine does not own, with the semantics the kernel would have
 * given it: its sa_mask, SA_NODEFER, SA_RESETHAND, SA_SIGINFO; SIG_DFL and
 * SIG_IGN on a hardware fault end in the normal crash and core dump.
 *
 * The view is read from signal handlers: a sequence lock, no mutex.
 * Writers (the application's sigaction(), a take-over) are serialised by
 * sig_lock.
 *
 * The bottom of the library: both engines' fault paths and the signal
 * interposers (src/interpose/signal.c) call this; it calls only the C
 * library (base/real.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <ucontext.h>
#include "base/lock.h"
#include "base/real.h"
#include "base/sigchain.h"
#include "base/sys.h"

#define NSIG_MAX 65

struct view {
	_Atomic uint32_t seq;
	struct sigaction act;
};

static struct view views[NSIG_MAX];
static _Atomic bool ours[NSIG_MAX];
static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;

/* A fork child may have been made while another thread held sig_lock. */
static void sig_lock_child(void)
{
	pthread_mutex_init(&sig_lock, NULL);
}

/*
 * Whether the application believes it has blocked each signal the engine
 * owns, per thread.  The real mask never blocks them: a blocked SIGSEGV at
 * a fault kills, and a kernel uffd fault needs no signal to be deliverable.
 */
static __attribute__((tls_model("initial-exec"))) __thread uint64_t app_blocked;

/* Bit sig - 1 stands for signal sig (1..64). */
#define SIGBIT(sig) (1ULL << ((sig) - 1))

bool sig_app_blocked(int sig)
{
	return sig > 0 && sig < NSIG_MAX && (app_blocked & SIGBIT(sig));
}

/*
 * sigprocmask() as the application sees it: the engine's signals are
 * removed from what is really blocked and remembered as the app's view.
 */
int sig_mask_filter(int how, const sigset_t *set, sigset_t *real_set,
		    uint64_t *view_before)
{
	int sig;

	*view_before = app_blocked;
	if (!set)
		return 0;
	*real_set = *set;
	for (sig = 1; sig < NSIG_MAX; sig++) {
		uint64_t bit = SIGBIT(sig);

		if (!sig_is_ours(sig))
			continue;
		if (sigismember(set, sig) == 1) {
			if (how == SIG_BLOCK || how == SIG_SETMASK)
				app_blocked |= bit;
			else if (how == SIG_UNBLOCK)
				app_blocked &= ~bit;
			sigdelset(real_set, sig);
		} else if (how == SIG_SETMASK) {
			app_blocked &= ~bit;
		}
	}
	return 1;
}

/* Add the app's view of the engine's signals to a mask read back. */
void sig_mask_view(sigset_t *old, uint64_t view)
{
	int sig;

	for (sig = 1; sig < NSIG_MAX; sig++)
		if (sig_is_ours(sig) && (view & SIGBIT(sig)))
			sigaddset(old, sig);
}

/* Never let a handler's sa_mask block the engine's signals. */
void sig_strip_mask(sigset_t *mask)
{
	int sig;

	for (sig = 1; sig < NSIG_MAX; sig++)
		if (sig_is_ours(sig))
			sigdelset(mask, sig);
}

/* Handlers installed before the engine started: fix their masks once. */
static void strip_existing_masks(void)
{
	struct sigaction a;
	int sig;

	for (sig = 1; sig < NSIG_MAX; sig++) {
		if (sig_is_ours(sig) || sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (real_sigaction(sig, NULL, &a) != 0)
			continue;
		if (a.sa_handler == SIG_DFL || a.sa_handler == SIG_IGN)
			continue;
		/*
		 * Only signals' bits are compared: past the kernel's 64, the
		 * C library's sigset_t is whatever its stack held.
		 */
		{
			bool blocks = false;
			int s2;

			for (s2 = 1; s2 < NSIG_MAX && !blocks; s2++)
				blocks = sig_is_ours(s2) && sigismember(&a.sa_mask, s2) == 1;
			if (!blocks)
				continue;
			sig_strip_mask(&a.sa_mask);
		}
		real_sigaction(sig, &a, NULL);
	}
}

/* Does the engine own any signal's disposition? */
static _Atomic bool ours_any;

bool sig_owns_any(void)
{
	return atomic_load_explicit(&ours_any, memory_order_acquire);
}

bool sig_is_ours(int sig)
{
	return sig > 0 && sig < NSIG_MAX &&
	       atomic_load_explicit(&ours[sig], memory_order_acquire);
}

static void view_read(int sig, struct sigaction *out)
{
	struct view *v = &views[sig];
	uint32_t s1, s2;

	do {
		s1 = atomic_load_explicit(&v->seq, memory_order_acquire);
		memcpy(out, &v->act, sizeof(*out));
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&v->seq, memory_order_relaxed);
	} while ((s1 & 1) || s1 != s2);
}

/* Writers hold sig_lock (or are a handler with SA_RESETHAND, see sig_chain). */
static void view_write(int sig, const struct sigaction *act)
{
	struct view *v = &views[sig];

	atomic_fetch_add_explicit(&v->seq, 1, memory_order_acq_rel);
	atomic_thread_fence(memory_order_release);
	memcpy(&v->act, act, sizeof(*act));
	atomic_fetch_add_explicit(&v->seq, 1, memory_order_release);
}

int sig_take_over(int sig, void (*handler)(int, siginfo_t *, void *))
{
	static bool atfork_done;
	struct sigaction sa, old;
	sigset_t saved;
	int err = 0;

	lock_acquire(&sig_lock, &saved);
	if (sig_is_ours(sig))
		goto out;
	if (!atfork_done) {
		pthread_atfork(NULL, NULL, sig_lock_child);
		atfork_done = true;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	/*
	 * SA_NODEFER: a handler the application runs while one of its
	 * threads waits for a page may fault on another registered page.
	 * SIGPIPE is blocked while we write a token (src/emu/queue.c).
	 */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGPIPE);
	if (real_sigaction(sig, &sa, &old) != 0) {
		err = -errno;
		goto out;
	}
	view_write(sig, &old);
	atomic_store_explicit(&ours[sig], true, memory_order_release);
	atomic_store_explicit(&ours_any, true, memory_order_release);
	strip_existing_masks();
out:
	lock_release(&sig_lock, &saved);
	return err;
}

/* sigaction() as the application sees it while the engine owns @sig. */
int sig_app_action(int sig, const struct sigaction *act, struct sigaction *old)
{
	sigset_t saved;

	lock_acquire(&sig_lock, &saved);
	if (old)
		view_read(sig, old);
	if (act)
		view_write(sig, act);
	lock_release(&sig_lock, &saved);
	return 0;
}

static void die_by_default(int sig, siginfo_t *si, bool synthetic)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	atomic_store(&ours[sig], false);
	real_sigaction(sig, &dfl, NULL);
	/*
	 * A hardware fault re-executes and is delivered again, now with the
	 * default action: the crash (and core) the application would have had.
	 * A signal someone sent, or one the engine made up (a SIGBUS for a
	 * uffd fault: re-executing would fault with SIGSEGV), is sent again.
	 */
	if (si->si_code <= 0 || synthetic)
		sys_tgsigqueueinfo(sys_getpid(), sys_gettid(), sig, si);
}

/*
 * Deliver a signal to the application's handler, as the kernel would have:
 * one the engine caught but does not own, or (@synthetic) one it makes up
 * for a fault -- a SIGBUS for UFFD_FEATURE_SIGBUS or UFFDIO_POISON, which
 * this way costs a function call rather than a second signal delivery.
 */
void sig_chain(int sig, siginfo_t *si, void *ucv, bool synthetic)
{
	ucontext_t *uc = ucv;
	struct sigaction a;
	sigset_t mask, old;
	int i;

	view_read(sig, &a);
	/* Blocked, for the application: a fault cannot wait, so it kills. */
	if (sig_app_blocked(sig) && si->si_code > 0) {
		die_by_default(sig, si, synthetic);
		return;
	}
	if (!(a.sa_flags & SA_SIGINFO) && a.sa_handler == SIG_IGN) {
		if (si->si_code > 0)
			die_by_default(sig, si, synthetic);	/* forced */
		return;
	}
	if (!(a.sa_flags & SA_SIGINFO) && a.sa_handler == SIG_DFL) {
		die_by_default(sig, si, synthetic);
		return;
	}

	mask = uc->uc_sigmask;
	for (i = 1; i < NSIG_MAX; i++)
		if (sigismember(&a.sa_mask, i) == 1)
			sigaddset(&mask, i);
	sig_strip_mask(&mask);
	if (a.sa_flags & SA_RESETHAND) {
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		view_write(sig, &dfl);
	}
	/*
	 * The engine's own signal stays unblocked while the handler runs
	 * (the kernel would block it unless SA_NODEFER): the handler may touch
	 * registered memory, and may leave with siglongjmp.
	 */
	real_pthread_sigmask(SIG_SETMASK, &mask, &old);
	if (a.sa_flags & SA_SIGINFO)
		a.sa_sigaction(sig, si, ucv);
	else
		a.sa_handler(sig);
	real_pthread_sigmask(SIG_SETMASK, &old, NULL);
}
