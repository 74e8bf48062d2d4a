/* SPDX-License-Identifier: MIT */
/*
 * A wait's timeout as a deadline on CLOCK_MONOTONIC, for the waits that
 * go on with the time left after a wake-up that turned out to be nothing
 * for the caller (poll.c, epoll.c): the kernel's calls never return 0
 * before their timeout.
 */
#ifndef LIBUFFD_EMU_DEADLINE_H
#define LIBUFFD_EMU_DEADLINE_H

#include <stdbool.h>
#include <time.h>

struct deadline {
	bool finite;		/* false: wait for ever */
	struct timespec end;
};

/* From a timespec (NULL: for ever). */
static inline void deadline_ts(struct deadline *d, const struct timespec *ts)
{
	d->finite = ts != NULL;
	if (!ts)
		return;
	clock_gettime(CLOCK_MONOTONIC, &d->end);
	d->end.tv_sec += ts->tv_sec;
	d->end.tv_nsec += ts->tv_nsec;
	while (d->end.tv_nsec >= 1000000000L) {
		d->end.tv_nsec -= 1000000000L;
		d->end.tv_sec++;
	}
}

/* From milliseconds (negative: for ever). */
static inline void deadline_ms(struct deadline *d, int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	deadline_ts(d, ms < 0 ? NULL : &ts);
}

/* The time left, at least zero (only for a finite deadline). */
static inline struct timespec deadline_left(const struct deadline *d)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec = d->end.tv_sec - t.tv_sec;
	t.tv_nsec = d->end.tv_nsec - t.tv_nsec;
	if (t.tv_nsec < 0) {
		t.tv_nsec += 1000000000L;
		t.tv_sec--;
	}
	if (t.tv_sec < 0)
		t.tv_sec = t.tv_nsec = 0;
	return t;
}

/* @t in milliseconds, rounded up (poll's and epoll_wait's unit). */
static inline int ts_ms_up(const struct timespec *t)
{
	long long ms = (long long)t->tv_sec * 1000 + (t->tv_nsec + 999999) / 1000000;

	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

static inline bool ts_zero(const struct timespec *t)
{
	return !t->tv_sec && !t->tv_nsec;
}

#endif
