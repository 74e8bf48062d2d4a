/* SPDX-License-Identifier: MIT */
/*
 * The message queue of an emulated uffd: a fixed array of slots (one per
 * waiting thread or event) in memory that can be shared with a handler
 * process, plus one token byte per queued message in the descriptor's pipe.
 *
 * Slot life cycle (state word, SLOT_SLEEPING preserved across changes):
 *
 *   FREE --claim--> CLAIMED --publish--> PENDING --read()--> READ
 *                                           |                  |
 *                  wake / withdraw: --------+---> WOKEN <------+
 *                  (PENDING leaves a stale token, I4)
 *   WOKEN / withdrawn --owner--> FREE
 *
 * Only the owner (the faulting thread) frees a slot.  Readers copy a
 * message under a sequence check, because the owner may withdraw and the
 * slot be reused while they copy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

/* ---- producer side (async-signal-safe) --------------------------------- */

struct emu_slot *slot_claim(struct emu_ctx *ctx)
{
	struct emu_shared *sh = ctx->sh;
	unsigned int i, spins = 0;

	for (;;) {
		for (i = 0; i < EMU_SLOTS; i++) {
			struct emu_slot *s = &sh->slots[i];
			uint32_t st = atomic_load_explicit(&s->state,
							   memory_order_relaxed);
			uint32_t hw;

			if (st != SLOT_FREE ||
			    !atomic_compare_exchange_strong(&s->state, &st,
							    SLOT_CLAIMED))
				continue;
			hw = atomic_load(&sh->hiwater);
			while (hw < i + 1 &&
			       !atomic_compare_exchange_weak(&sh->hiwater, &hw, i + 1))
				;
			/* New occupant: new sequence before new contents. */
			atomic_store_explicit(&s->seq,
					      atomic_fetch_add(&sh->seq, 1) + 1,
					      memory_order_relaxed);
			atomic_thread_fence(memory_order_release);
			return s;
		}
		/* Every slot busy: wait for one thread to be served. */
		if (++spins < 100)
			sched_yield();
		else {
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
		}
	}
}

/* Store the message of a claimed slot (see struct emu_slot). */
void slot_set_msg(struct emu_slot *s, const struct uffd_msg *m)
{
	uint64_t w[4];
	unsigned int k;

	memcpy(w, m, sizeof(w));
	for (k = 0; k < 4; k++)
		__atomic_store_n(&s->msg_words[k], w[k], __ATOMIC_RELAXED);
}

/* Copy a slot's message, perhaps torn: the caller checks the sequence. */
static void slot_copy_msg(const struct emu_slot *s, struct uffd_msg *out)
{
	uint64_t w[4];
	unsigned int k;

	for (k = 0; k < 4; k++)
		w[k] = __atomic_load_n(&s->msg_words[k], __ATOMIC_RELAXED);
	memcpy(out, w, sizeof(w));
}

static void token_write(struct emu_ctx *ctx)
{
	char b = 0;
	ssize_t r;

	/*
	 * Blocking never: the write end is O_NONBLOCK and 1 MiB deep.  With
	 * no reader left the write fails with EPIPE and raises SIGPIPE, which
	 * the fault handler runs blocked (sa_mask); take it back.
	 */
	for (;;) {
		r = real_write(ctx->wfd, &b, 1);
		if (r == 1)
			return;
		if (errno == EAGAIN) {
			sched_yield();
			continue;
		}
		break;
	}
	if (errno == EPIPE) {
		sigset_t pipe_set;
		struct timespec zero = { 0, 0 };

		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		sigtimedwait(&pipe_set, NULL, &zero);
	}
}

/*
 * Make the slot a queued message without telling readers yet: a faulter
 * re-checks its page before it wakes anyone, as the kernel does before
 * wake_up_poll(), then calls slot_announce() (or withdraws quietly).
 */
void slot_publish_quiet(struct emu_ctx *ctx, struct emu_slot *s)
{
	s->flags = 0;
	s->t_publish = now_ns();
	atomic_store(&s->state, SLOT_PENDING);
	atomic_fetch_add(&ctx->sh->pending, 1);
	spin_note_publish(ctx);
}

void slot_announce(struct emu_ctx *ctx)
{
	token_write(ctx);
}

void slot_publish(struct emu_ctx *ctx, struct emu_slot *s)
{
	slot_publish_quiet(ctx, s);
	slot_announce(ctx);
}

/*
 * Withdraw a slot published quietly, before its token: true if it was
 * still unread (nobody knew of it).  False if a reader or a waker got to
 * it -- they counted on its token, which the caller must then announce.
 */
bool slot_withdraw_quiet(struct emu_ctx *ctx, struct emu_slot *s)
{
	uint32_t st = atomic_load(&s->state);

	while ((st & SLOT_STATE_MASK) == SLOT_PENDING) {
		if (atomic_compare_exchange_weak(&s->state, &st, SLOT_FREE)) {
			atomic_fetch_sub(&ctx->sh->pending, 1);
			return true;
		}
	}
	return false;
}

/*
 * The owner gives up waiting (signal, or the page was resolved before the
 * slot became visible).  Returns true when the slot is FREE again; false
 * when a resolver got there first (state WOKEN: caller frees).
 */
bool slot_withdraw(struct emu_ctx *ctx, struct emu_slot *s)
{
	uint32_t st = atomic_load(&s->state);

	for (;;) {
		uint32_t base = st & SLOT_STATE_MASK;

		if (base == SLOT_WOKEN)
			return false;
		if (atomic_compare_exchange_weak(&s->state, &st, SLOT_FREE)) {
			if (base == SLOT_PENDING) {
				atomic_fetch_sub(&ctx->sh->pending, 1);
				atomic_fetch_add(&ctx->sh->stale, 1);
			}
			return true;
		}
	}
}

void slot_free(struct emu_slot *s)
{
	atomic_store_explicit(&s->state, SLOT_FREE, memory_order_release);
}

/* ---- waking (async-signal-safe) ---------------------------------------- */

static bool wake_slot(struct emu_ctx *ctx, struct emu_slot *s)
{
	uint32_t st = atomic_load(&s->state);

	for (;;) {
		uint32_t base = st & SLOT_STATE_MASK;

		if (base != SLOT_PENDING && base != SLOT_READ)
			return false;
		if (atomic_compare_exchange_weak(&s->state, &st, SLOT_WOKEN))
			break;
	}
	if ((st & SLOT_STATE_MASK) == SLOT_PENDING) {
		atomic_fetch_sub(&ctx->sh->pending, 1);
		atomic_fetch_add(&ctx->sh->stale, 1);
		if (s->kind == SLOT_EVENT)
			atomic_fetch_sub(&ctx->sh->changing, 1);
	}
	if (s->kind == SLOT_EVENT)
		sys_futex_wake_shared(&s->state, 1);
	else if (st & SLOT_SLEEPING)
		sys_futex_wake(&s->state, 1);
	return true;
}

/* Wake this context's fault waiters with start <= address < start + len. */
unsigned int wake_range(struct emu_ctx *ctx, uint64_t start, uint64_t len)
{
	struct emu_shared *sh = ctx->sh;
	unsigned int i, hw = atomic_load(&sh->hiwater), n = 0;

	for (i = 0; i < hw; i++) {
		struct emu_slot *s = &sh->slots[i];
		uint32_t st = atomic_load(&s->state) & SLOT_STATE_MASK;

		if ((st != SLOT_PENDING && st != SLOT_READ) ||
		    s->kind != SLOT_FAULT || s->addr < start ||
		    s->addr - start >= len)
			continue;
		n += wake_slot(ctx, s);
	}
	return n;
}

unsigned int wake_all(struct emu_ctx *ctx)
{
	struct emu_shared *sh = ctx->sh;
	unsigned int i, hw = atomic_load(&sh->hiwater), n = 0;

	for (i = 0; i < hw; i++)
		n += wake_slot(ctx, &sh->slots[i]);
	return n;
}

/* ---- consumer side ------------------------------------------------------ */

static void reader_lock(struct emu_shared *sh)
{
	uint32_t c = 0;

	if (atomic_compare_exchange_strong(&sh->reader_lock, &c, 1))
		return;
	if (c != 2)
		c = atomic_exchange(&sh->reader_lock, 2);
	while (c != 0) {
		sys_futex_wait_shared(&sh->reader_lock, 2, NULL);
		c = atomic_exchange(&sh->reader_lock, 2);
	}
}

static void reader_unlock(struct emu_shared *sh)
{
	if (atomic_fetch_sub(&sh->reader_lock, 1) != 1) {
		atomic_store(&sh->reader_lock, 0);
		sys_futex_wake_shared(&sh->reader_lock, 1);
	}
}

/* Take the oldest unread fault, else the oldest unread event. */
static bool dequeue_one(struct emu_shared *sh, struct uffd_msg *out)
{
	for (;;) {
		unsigned int i, hw = atomic_load(&sh->hiwater);
		struct emu_slot *best = NULL;
		uint64_t best_seq = 0;
		uint32_t best_kind = 0, st;
		uint64_t a, b;

		for (i = 0; i < hw; i++) {
			struct emu_slot *s = &sh->slots[i];
			uint64_t seq;

			if ((atomic_load(&s->state) & SLOT_STATE_MASK) != SLOT_PENDING)
				continue;
			seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
			if (!best || s->kind < best_kind ||
			    (s->kind == best_kind && seq < best_seq)) {
				best = s;
				best_seq = seq;
				best_kind = s->kind;
			}
		}
		if (!best)
			return false;
		st = atomic_load(&best->state);
		if ((st & SLOT_STATE_MASK) != SLOT_PENDING ||
		    !atomic_compare_exchange_strong(&best->state, &st,
						    SLOT_READ | (st & SLOT_SLEEPING)))
			continue;
		atomic_fetch_sub(&sh->pending, 1);
		/* For the orphan policy; atomic, as the slot may be reused. */
		__atomic_store_n(&best->reader, emu_pid(), __ATOMIC_RELAXED);
		a = atomic_load_explicit(&best->seq, memory_order_acquire);
		slot_copy_msg(best, out);
		atomic_thread_fence(memory_order_acquire);
		b = atomic_load_explicit(&best->seq, memory_order_relaxed);
		if (best_kind == SLOT_EVENT) {
			/* Reading a non-fork event completes it (spec 11.1). */
			atomic_fetch_sub(&sh->changing, 1);
			sys_futex_wake_shared(&best->state, 1);
		}
		if (a == b)
			return true;
		/* The owner left and the slot was reused while we copied. */
	}
}

static bool take_stale(struct emu_shared *sh)
{
	uint32_t v = atomic_load(&sh->stale);

	while (v) {
		if (atomic_compare_exchange_weak(&sh->stale, &v, v - 1))
			return true;
	}
	return false;
}

static ssize_t read_nowait(int fd, void *buf, size_t n)
{
	struct iovec iov = { buf, n };

	if (unlikely(!real.preadv2))
		real_init();
	return real.preadv2(fd, &iov, 1, -1, RWF_NOWAIT);
}

/*
 * Pair @ntok tokens just taken from the pipe with messages (copied to the
 * user's buffer) or stale credits.  Returns messages delivered, or -EFAULT
 * when the first one could not be stored (it is lost, as with the kernel).
 */
static ssize_t pair_tokens(struct emu_shared *sh, size_t ntok, char *ubuf,
			   size_t got, size_t n)
{
	size_t done = 0;

	while (ntok) {
		struct uffd_msg m;

		if (got + done < n && dequeue_one(sh, &m)) {
			if (safe_write(ubuf + (got + done) * sizeof(m), &m, sizeof(m))) {
				ntok--;
				if (!got && !done)
					return -EFAULT;
				continue;	/* lost, like the kernel's */
			}
			done++;
			ntok--;
		} else if (take_stale(sh)) {
			ntok--;
		} else {
			/* Its producer is between two atomic steps. */
			sched_yield();
		}
	}
	return (ssize_t)done;
}

/* Drop tokens of withdrawn messages (so poll() stops reporting POLLIN). */
void queue_drain_stale(struct emu_ctx *ctx, int fd)
{
	struct emu_shared *sh = ctx->sh;
	char junk[256];
	uint32_t k;
	ssize_t r;

	if (!atomic_load(&sh->stale))
		return;
	reader_lock(sh);
	while ((k = atomic_load(&sh->stale)) > 0) {
		r = read_nowait(fd, junk, k < sizeof(junk) ? k : sizeof(junk));
		if (r <= 0)
			break;
		atomic_fetch_sub(&sh->stale, (uint32_t)r);
	}
	reader_unlock(sh);
}

/*
 * End of file on the pipe: no write end is left anywhere, so the uffd's
 * memory is gone (its owner exited; this process holds no write end --
 * remote.c).  The kernel's read() of such a uffd waits for good: here
 * too, until a signal ends the wait (EINTR, or a restart with SA_RESTART:
 * a futex wait without a timeout restarts as read() does).
 */
static ssize_t wait_forever(void)
{
	static _Atomic uint32_t never;

	for (;;)
		if (sys_futex_wait(&never, 0, NULL) < 0 && errno == EINTR)
			return -EINTR;
}

ssize_t queue_read(struct emu_ctx *ctx, int fd, void *buf, size_t count,
		   bool nowait)
{
	struct emu_shared *sh = ctx->sh;
	size_t n = count / sizeof(struct uffd_msg), got = 0;
	char tok[256];
	ssize_t r;
	int fl;

	if (!(ctx_features(ctx) & EMU_FEAT_INITIALIZED))
		return -EINVAL;
	if (count < sizeof(struct uffd_msg))
		return -EINVAL;

	reader_lock(sh);
	for (;;) {
		while (got < n) {
			size_t want = atomic_load(&sh->pending);

			if (want > n - got)
				want = n - got;
			want += atomic_load(&sh->stale);
			if (!want)
				break;
			if (want > sizeof(tok))
				want = sizeof(tok);
			r = read_nowait(fd, tok, want);
			if (r <= 0)
				break;
			r = pair_tokens(sh, (size_t)r, buf, got, n);
			if (r < 0) {
				reader_unlock(sh);
				return r;
			}
			got += (size_t)r;
		}
		reader_unlock(sh);
		if (got)
			return (ssize_t)(got * sizeof(struct uffd_msg));

		fl = real.fcntl(fd, F_GETFL);
		if (fl < 0)
			return -errno;
		if ((fl & O_NONBLOCK) || nowait)
			return -EAGAIN;
		if (spin_for_message(&ctx, 1, spin_budget_reader(ctx))) {
			reader_lock(sh);
			continue;
		}
		/* Sleep in the kernel for one token (SA_RESTART applies). */
		r = real_read(fd, tok, 1);
		if (r < 0)
			return -errno;
		if (r == 0)
			return wait_forever();
		reader_lock(sh);
		r = pair_tokens(sh, 1, buf, got, n);
		if (r < 0) {
			reader_unlock(sh);
			return r;
		}
		got += (size_t)r;
	}
}

/*
 * After waking unread messages, drop their tokens through the descriptor
 * this process was given, when it is still open: poll() and epoll then
 * stop reporting POLLIN at once, as with the kernel.
 */
void queue_drain_stale_hint(struct emu_ctx *ctx)
{
	int fd = atomic_load(&ctx->user_fd);
	struct stat st;

	if (fd < 0 || !atomic_load(&ctx->sh->stale))
		return;
	if (real_fstat(fd, &st) || st.st_ino != ctx->rino || st.st_dev != ctx->rdev)
		return;
	queue_drain_stale(ctx, fd);
}

/* ---- non-cooperative events (spec 11) ----------------------------------- */

/* From the prepare step until the event is read, fill ioctls get EAGAIN. */
void event_prepare(struct emu_ctx *ctx)
{
	if (ctx && ctx->sh)
		atomic_fetch_add(&ctx->sh->changing, 1);
}

void event_unprepare(struct emu_ctx *ctx)
{
	if (ctx && ctx->sh)
		atomic_fetch_sub(&ctx->sh->changing, 1);
}

bool ctx_changing(struct emu_ctx *ctx)
{
	return atomic_load(&ctx->sh->changing) != 0;
}

/*
 * Queue an event (already prepared) and wait until it is read, or the uffd
 * released -- the kernel waits killable, so signals do not end the wait.
 * The reader (perhaps in another process) wakes us through the shared
 * state word.
 */
void event_post(struct emu_ctx *ctx, const struct uffd_msg *msg)
{
	struct emu_slot *s = slot_claim(ctx);
	uint32_t st;

	s->kind = SLOT_EVENT;
	s->addr = 0;
	s->tid = 0;
	slot_set_msg(s, msg);
	slot_publish(ctx, s);
	for (;;) {
		st = atomic_load(&s->state);
		if ((st & SLOT_STATE_MASK) != SLOT_PENDING)
			break;
		sys_futex_wait_shared(&s->state, st, NULL);
	}
	slot_free(s);
}
