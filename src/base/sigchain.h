/* SPDX-License-Identifier: MIT */
/*
 * Signals libuffd owns, and the application's view of them
 * (sigchain.c, sigbus.c).  Used by both engines' fault paths and by the
 * signal interposers; depends on nothing else in libuffd.
 */
#ifndef LIBUFFD_SIGCHAIN_H
#define LIBUFFD_SIGCHAIN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* sigchain.c: own @sig's disposition, keeping the application's as a view. */
int sig_take_over(int sig, void (*handler)(int, siginfo_t *, void *));
/* Run the application's handler for @sig as the kernel would (async-signal-safe). */
void sig_chain(int sig, siginfo_t *si, void *uc, bool synthetic);
bool sig_is_ours(int sig);
bool sig_owns_any(void);
/* The application's sigaction() of a signal libuffd owns. */
int sig_app_action(int sig, const struct sigaction *act, struct sigaction *old);
bool sig_app_blocked(int sig);
/* The application's sigprocmask() while libuffd owns signals. */
int sig_mask_filter(int how, const sigset_t *set, sigset_t *real_set,
		    uint64_t *view_before);
void sig_mask_view(sigset_t *old, uint64_t view);
void sig_strip_mask(sigset_t *mask);

/*
 * sigbus.c: libuffd's SIGBUS handler, which chains every SIGBUS to the
 * application -- except a "deferred" one: a SIGBUS queued to another
 * thread of this process (only SI_QUEUE may be sent to another thread)
 * that stands for BUS_ADRERR at an unknown address, held while the sender
 * is between sigbus_hold() and sigbus_release() (bounded: one second).
 */
int sigbus_take_over(void);
void sigbus_hold(void);
int sigbus_send_deferred(pid_t tid);
void sigbus_release(void);

#endif
