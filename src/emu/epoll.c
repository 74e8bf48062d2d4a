/* SPDX-License-Identifier: MIT */
/*
 * epoll sets that hold emulated uffds (called by src/interpose/poll.c).
 *
 * The kernel's epoll asks userfaultfd_poll() (poll.c says what it answers:
 * EPOLLERR for a descriptor without O_NONBLOCK or before UFFDIO_API, else
 * EPOLLIN while a message is queued) when the item is added or modified
 * and whenever the uffd's wait queue is woken -- a message queued -- and
 * puts the item on its ready list if the answer is not empty; epoll_wait()
 * asks again for each listed item, reports it if the answer is still not
 * empty, and keeps it listed while level-triggered.  So a blocking uffd
 * reports EPOLLERR at every epoll_wait(), and an item whose message was
 * resolved unread reports nothing.
 *
 * The descriptor's pipe can answer none of that by itself.  So each
 * registration of an emulated uffd is a record here, and the pipe is
 * registered with the record's address as its data ("tag") and only for
 * EPOLLIN: a tagged event from the C library's epoll_wait() is the wake-up
 * -- a token arrived -- and marks the record listed; epoll_wait() then
 * answers for each listed record of its epoll set as the kernel would,
 * with the caller's data, and waits again with the time left when nothing
 * is left to report.
 *
 * Not covered: an epoll set polled itself (poll(), select() or another
 * epoll set on the epoll descriptor) sees the pipe, not this; records are
 * found by epoll descriptor number, so through a dup of the epoll
 * descriptor a record reports only when its pipe wakes (a message
 * arrived), nothing for a blocking uffd; at most EP_MAX records (beyond, a
 * registration is the pipe's, as before).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "emu/emu.h"
#include "emu/deadline.h"
#include "base/lock.h"
#include "base/real.h"

#define EP_MAX 256

struct ep_rec {
	bool used;
	bool listed;		/* on the (emulated) ready list */
	bool armed;		/* EPOLLONESHOT: false once reported, until MOD */
	bool hung;		/* the pipe hung up: out of the real set */
	int epfd, fd;
	uint32_t idx, gen;	/* the context's incarnation */
	uint32_t events;	/* as the caller asked */
	epoll_data_t data;	/* the caller's */
};

static struct ep_rec recs[EP_MAX];
static pthread_mutex_t ep_lock = PTHREAD_MUTEX_INITIALIZER;
_Atomic int ep_nrec;		/* records in use: the interposers' gate */
/* Bit epfd % 64 set while a record of that epoll set may exist. */
static _Atomic uint64_t ep_bits;

static uint64_t ep_bit(int epfd)
{
	return 1ULL << ((unsigned int)epfd % 64);
}

static struct ep_rec *tag_rec(uint64_t tag)
{
	uintptr_t a = (uintptr_t)tag, base = (uintptr_t)recs;

	if (a < base || a >= base + sizeof(recs) || (a - base) % sizeof(recs[0]))
		return NULL;
	return (struct ep_rec *)a;
}

static struct ep_rec *rec_find(int epfd, int fd, uint32_t idx)
{
	int i;

	for (i = 0; i < EP_MAX; i++)
		if (recs[i].used && recs[i].epfd == epfd && recs[i].fd == fd &&
		    recs[i].idx == idx)
			return &recs[i];
	return NULL;
}

static void rec_free(struct ep_rec *r)
{
	uint64_t bits = 0;
	int i;

	r->used = false;
	atomic_fetch_sub(&ep_nrec, 1);
	for (i = 0; i < EP_MAX; i++)
		if (recs[i].used)
			bits |= ep_bit(recs[i].epfd);
	atomic_store(&ep_bits, bits);
}

/*
 * The kernel's answer for @r now, masked as epoll masks it; 0 and the
 * record freed when its uffd is gone (its last copy closed: the kernel
 * removed the item).  ep_lock held.
 */
static uint32_t rec_revents(struct ep_rec *r)
{
	struct emu_ctx *ctx = ctx_acquire(r->idx);
	uint32_t rv;
	int fd;

	if (!ctx || ctx->gen != r->gen) {
		if (ctx)
			ctx_put(ctx);
		rec_free(r);
		return 0;
	}
	/* O_NONBLOCK is the open file's: any descriptor of it will do. */
	fd = fdtab_get(r->fd) == r->idx ? r->fd : atomic_load(&ctx->user_fd);
	if (fd >= 0 && fdtab_get(fd) != r->idx)
		fd = -1;
	rv = (uint32_t)uffd_poll_err(ctx, fd);
	if (!rv && !r->hung && atomic_load(&ctx->sh->pending))
		rv = EPOLLIN;
	ctx_put(ctx);
	return rv & (r->events | EPOLLERR | EPOLLHUP);
}

/*
 * epoll_ctl() of an emulated uffd: the pipe registered under a record's
 * tag, for EPOLLIN and the caller's flags; the record listed when the
 * kernel's answer is not empty now.
 */
int emu_epoll_ctl(int epfd, int op, int fd, uint32_t idx,
		  const struct epoll_event *ev)
{
	struct emu_ctx *ctx = ctx_get(idx);
	struct epoll_event tagged;
	struct ep_rec *r = NULL;
	sigset_t saved;
	int ret, i, err;

	if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
		return REAL(epoll_ctl)(epfd, op, fd, (struct epoll_event *)ev);
	lock_acquire(&ep_lock, &saved);
	if (op != EPOLL_CTL_ADD) {
		r = rec_find(epfd, fd, idx);
	} else {
		for (i = 0; i < EP_MAX && !r; i++)
			if (!recs[i].used)
				r = &recs[i];
	}
	if (op == EPOLL_CTL_DEL) {
		ret = r && r->hung ? 0 : REAL(epoll_ctl)(epfd, op, fd, NULL);
		err = errno;
		if (r && !ret)
			rec_free(r);
		goto out;
	}
	tagged.events = (ev->events & (EPOLLIN | EPOLLET | EPOLLONESHOT |
				       EPOLLEXCLUSIVE | EPOLLWAKEUP));
	if (!r) {
		/* No record (table full, or MOD of an unknown one): the pipe's. */
		tagged.data = ev->data;
		ret = REAL(epoll_ctl)(epfd, op, fd, &tagged);
		err = errno;
		goto out;
	}
	tagged.data.u64 = (uint64_t)(uintptr_t)r;
	ret = op == EPOLL_CTL_MOD && r->hung ? 0 :
	      REAL(epoll_ctl)(epfd, op, fd, &tagged);
	err = errno;
	if (ret)
		goto out;
	if (op == EPOLL_CTL_ADD) {
		memset(r, 0, sizeof(*r));
		r->used = true;
		r->epfd = epfd;
		r->fd = fd;
		r->idx = idx;
		r->gen = ctx ? ctx->gen : 0;
		atomic_fetch_add(&ep_nrec, 1);
		atomic_fetch_or(&ep_bits, ep_bit(epfd));
	}
	r->events = ev->events;
	r->data = ev->data;
	r->armed = true;
	r->listed = rec_revents(r) != 0;
out:
	lock_release(&ep_lock, &saved);
	errno = err;
	return ret;
}

/* The epoll set @epfd is closed: its records go with it. */
void emu_epoll_forget_epfd(int epfd)
{
	sigset_t saved;
	int i;

	if (!(atomic_load(&ep_bits) & ep_bit(epfd)))
		return;
	lock_acquire(&ep_lock, &saved);
	for (i = 0; i < EP_MAX; i++)
		if (recs[i].used && recs[i].epfd == epfd)
			rec_free(&recs[i]);
	lock_release(&ep_lock, &saved);
}

static bool any_listed(int epfd)
{
	int i;

	for (i = 0; i < EP_MAX; i++)
		if (recs[i].used && recs[i].epfd == epfd && recs[i].listed &&
		    recs[i].armed)
			return true;
	return false;
}

/*
 * After the C library's epoll_wait() returned @n events in @ev: take the
 * tagged ones out (wake-ups of records), then report the listed records
 * as the kernel would.  Returns the number of events left.  ep_lock held.
 */
static int translate(int epfd, struct epoll_event *ev, int n, int max)
{
	int i, k = 0;

	for (i = 0; i < n; i++) {
		struct ep_rec *r = tag_rec(ev[i].data.u64);

		if (!r) {
			ev[k++] = ev[i];
			continue;
		}
		if (!r->used)
			continue;
		if (r->epfd != epfd) {
			/* The set through a dup of its descriptor: a wake-up only. */
			uint32_t rv = rec_revents(r);

			if (rv) {
				ev[k].events = rv;
				ev[k++].data = r->data;
			}
			continue;
		}
		if (ev[i].events & EPOLLHUP) {
			/* Its memory is gone and no write end is held (remote.c). */
			REAL(epoll_ctl)(epfd, EPOLL_CTL_DEL, r->fd, NULL);
			r->hung = true;
		}
		if (r->armed)
			r->listed = true;
	}
	for (i = 0; i < EP_MAX && k < max; i++) {
		struct ep_rec *r = &recs[i];
		uint32_t rv;

		if (!r->used || r->epfd != epfd || !r->listed || !r->armed)
			continue;
		rv = rec_revents(r);
		if (!rv) {
			r->listed = false;
			continue;
		}
		ev[k].events = rv;
		ev[k].data = r->data;
		k++;
		if (r->events & (EPOLLET | EPOLLONESHOT))
			r->listed = false;
		if (r->events & EPOLLONESHOT)
			r->armed = false;
	}
	return k;
}

/*
 * epoll_wait(), epoll_pwait() (@ms_based: the timeout in whole
 * milliseconds) and epoll_pwait2() on a set holding records.  @ts NULL:
 * for ever.
 */
static bool any_tag(const struct epoll_event *ev, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (tag_rec(ev[i].data.u64))
			return true;
	return false;
}

int emu_epoll_wait(int epfd, struct epoll_event *ev, int max,
		   const struct timespec *ts, const sigset_t *sigmask, int ms_based)
{
	struct timespec zero = { 0, 0 }, left;
	struct deadline d;
	sigset_t saved;
	bool mine, listed;
	int n;

	deadline_ts(&d, ts);
	for (;;) {
		/* Records of this set (or, below, tags seen through a dup of it). */
		mine = atomic_load(&ep_bits) & ep_bit(epfd);
		listed = false;
		if (mine) {
			lock_acquire(&ep_lock, &saved);
			listed = any_listed(epfd);
			lock_release(&ep_lock, &saved);
		}
		left = d.finite ? deadline_left(&d) : zero;
		if (listed)
			n = REAL(epoll_pwait)(epfd, ev, max, 0, sigmask);
		else if (ms_based || !d.finite)
			n = REAL(epoll_pwait)(epfd, ev, max, d.finite ? ts_ms_up(&left) : -1,
					      sigmask);
		else
			n = REAL(epoll_pwait2)(epfd, ev, max, &left, sigmask);
		if (n < 0 || (!mine && !any_tag(ev, n)))
			return n;
		lock_acquire(&ep_lock, &saved);
		n = translate(epfd, ev, n, max);
		lock_release(&ep_lock, &saved);
		if (n || (d.finite && ts_zero(&left)))
			return n;
	}
}
