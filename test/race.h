/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the race tests (t_race_*.c): page patterns that show a
 * torn page, a handler thread, and faulting threads whose completion is
 * awaited with a bound.  Public API only, like every test.
 */
#ifndef UFFD_TEST_RACE_H
#define UFFD_TEST_RACE_H

#include "harness.h"

/* Word @i of page @nr of pattern @salt: never zero. */
static inline uint64_t r_word(uint64_t salt, size_t nr, size_t i)
{
	uint64_t x = salt * 0x9e3779b97f4a7c15ULL + nr * 0xbf58476d1ce4e5b9ULL + i;

	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 29;
	return x | 1;
}

static inline void r_fill(void *page, uint64_t salt, size_t nr)
{
	uint64_t *w = page;
	size_t i;

	for (i = 0; i < (size_t)t_page / 8; i++)
		w[i] = r_word(salt, nr, i);
}

enum { R_ZERO = 0, R_FULL = 1, R_TORN = -1 };

/*
 * Read a whole page (the first load may fault and block): all zero, the
 * full pattern, or anything else (torn).
 */
static inline int r_check(const void *page, uint64_t salt, size_t nr)
{
	const volatile uint64_t *w = page;
	size_t i, n = (size_t)t_page / 8, zero = 0, full = 0;

	for (i = 0; i < n; i++) {
		uint64_t v = w[i];

		zero += v == 0;
		full += v == r_word(salt, nr, i);
	}
	return zero == n ? R_ZERO : full == n ? R_FULL : R_TORN;
}

/* ---- a handler thread ------------------------------------------------------ */

struct r_handler;
/*
 * Resolve one fault; called with the message, and with NULL whenever the
 * handler's wait times out or a batch was handled (a tick for deferred work).
 */
typedef void (*r_resolve_fn)(struct r_handler *h, const struct uffd_msg *m);

struct r_handler {
	pthread_t thread;
	int fd;
	r_resolve_fn resolve;
	void *ctx;
	volatile int stop;
	volatile int exited;
	unsigned long msgs, copies, eexist, enoent, ebadf;
};

/*
 * The handler waits in poll() with a short timeout, so that a close() of
 * the descriptor by another thread is never held up by a blocked read (a
 * kernel uffd is released only when the last file reference goes, and a
 * sleeping read() or poll() holds one).  After the descriptor is closed it
 * sees POLLNVAL or EBADF and leaves.
 */
static void *r_handler_main(void *arg)
{
	struct r_handler *h = arg;
	struct uffd_msg m[16];

	while (!__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p = { .fd = h->fd, .events = POLLIN };
		ssize_t r;
		int n, i;

		h->resolve(h, NULL);
		n = poll(&p, 1, 10);
		if (n < 0 && errno == EINTR)
			continue;
		CHECK_MSG(n >= 0, "poll: %s", t_errname(errno));
		if (n == 0)
			continue;
		if (p.revents & POLLNVAL) {
			h->ebadf++;
			break;
		}
		CHECK_MSG(p.revents == POLLIN, "poll revents %#x", p.revents);
		r = read(h->fd, m, sizeof(m));
		if (r < 0) {
			if (errno == EBADF) {
				h->ebadf++;
				break;
			}
			CHECK_MSG(errno == EAGAIN || errno == EINTR, "read: %s",
				  t_errname(errno));
			continue;
		}
		CHECK_MSG(r > 0 && r % (ssize_t)sizeof(m[0]) == 0, "read %zd", r);
		for (i = 0; i < r / (ssize_t)sizeof(m[0]); i++) {
			CHECK_MSG(m[i].event == UFFD_EVENT_PAGEFAULT, "event %#x",
				  m[i].event);
			__atomic_add_fetch(&h->msgs, 1, __ATOMIC_RELAXED);
			h->resolve(h, &m[i]);
		}
	}
	__atomic_store_n(&h->exited, 1, __ATOMIC_RELEASE);
	return NULL;
}

static inline void r_handler_start(struct r_handler *h, int fd, r_resolve_fn fn,
				   void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->fd = fd;
	h->resolve = fn;
	h->ctx = ctx;
	CHECK_OK(-pthread_create(&h->thread, NULL, r_handler_main, h));
}

static inline void r_handler_stop(struct r_handler *h)
{
	int i;

	__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; !__atomic_load_n(&h->exited, __ATOMIC_ACQUIRE); i++) {
		CHECK_MSG(i < 10000, "handler thread does not stop");
		t_msleep(1);
	}
	CHECK_OK(-pthread_join(h->thread, NULL));
}

/*
 * UFFDIO_COPY of pattern page @nr to @dst.  Returns 0 on success, else the
 * errno, one of @allowed (a bit mask of 1 << errno for EEXIST, ENOENT,
 * EBADF...); EEXIST is followed by UFFDIO_WAKE of the page.
 */
static inline int r_copy(struct r_handler *h, void *dst, uint64_t salt, size_t nr,
			 uint64_t allowed)
{
	static __thread void *src;
	struct uffdio_copy c;
	int e;

	if (!src)
		src = t_map(1);
	r_fill(src, salt, nr);
	c = (struct uffdio_copy){ .dst = (uintptr_t)dst, .src = (uintptr_t)src,
				  .len = (uint64_t)t_page };
	if (uffd_ioctl(h->fd, UFFDIO_COPY, &c) == 0) {
		CHECK_EQ(c.copy, t_page);
		__atomic_add_fetch(&h->copies, 1, __ATOMIC_RELAXED);
		return 0;
	}
	e = errno;
	CHECK_MSG(e < 64 && (allowed & (1ULL << e)), "COPY %p: %s (copy %lld)", dst,
		  t_errname(e), (long long)c.copy);
	if (e == EEXIST) {
		__atomic_add_fetch(&h->eexist, 1, __ATOMIC_RELAXED);
		if (t_wake(h->fd, dst, (size_t)t_page))
			CHECK_MSG(errno == ENOENT || errno == EBADF ||
				  (allowed & (1ULL << errno)), "WAKE: %s",
				  t_errname(errno));
	} else if (e == ENOENT) {
		__atomic_add_fetch(&h->enoent, 1, __ATOMIC_RELAXED);
	} else if (e == EBADF) {
		__atomic_add_fetch(&h->ebadf, 1, __ATOMIC_RELAXED);
	}
	return e;
}

#define R_ERR(e) (1ULL << (e))

/* ---- a resolver that holds messages until released ------------------------ */

/*
 * COPYs the first @resolve_first messages at once, then keeps the messages
 * it reads (a thread is blocked on each) until @release is set; at the
 * handler's next tick it resolves them all, and from then on resolves at
 * once.  COPY may fail only with the errnos in @allowed (R_ERR() mask).
 * @copied, when given, has one int per page: set when COPY filled it.
 */
#define R_HOLD_MAX 256

struct r_hold {
	char *base;
	size_t np;
	uint64_t salt;
	uint64_t allowed;
	int *copied;
	unsigned long resolve_first;
	unsigned long held;
	int release;
	int flushed;
	struct uffd_msg hold[R_HOLD_MAX];	/* duplicates happen (refaults) */
};

/* The page number of a fault message, which must be inside the range. */
static inline size_t r_hold_page(const struct r_hold *r, const struct uffd_msg *m)
{
	size_t nr = (size_t)(m->arg.pagefault.address - (uintptr_t)r->base) /
		    (size_t)t_page;

	CHECK_MSG(nr < r->np, "message for %#llx, outside the range",
		  (unsigned long long)m->arg.pagefault.address);
	return nr;
}

static inline void r_hold_copy(struct r_handler *h, struct r_hold *r,
			       const struct uffd_msg *m)
{
	size_t nr = r_hold_page(r, m);

	if (r_copy(h, r->base + nr * (size_t)t_page, r->salt, nr, r->allowed) == 0 &&
	    r->copied)
		__atomic_store_n(&r->copied[nr], 1, __ATOMIC_RELEASE);
}

/* An r_resolve_fn; h->ctx is the struct r_hold. */
static inline void r_hold_resolve(struct r_handler *h, const struct uffd_msg *m)
{
	struct r_hold *r = h->ctx;
	unsigned long i;

	if (!m) {
		/* Tick: once released, resolve what was held. */
		if (__atomic_load_n(&r->release, __ATOMIC_ACQUIRE) && !r->flushed) {
			for (i = 0; i < r->held; i++)
				r_hold_copy(h, r, &r->hold[i]);
			r->flushed = 1;
		}
		return;
	}
	if (__atomic_load_n(&h->msgs, __ATOMIC_RELAXED) <= r->resolve_first ||
	    r->flushed) {
		r_hold_copy(h, r, m);
		return;
	}
	CHECK(r->held < R_HOLD_MAX);
	r->hold[r->held] = *m;
	__atomic_add_fetch(&r->held, 1, __ATOMIC_RELEASE);
}

/* ---- faulting threads -------------------------------------------------------- */

/* A thread that reads (checks) a list of pages in order. */
struct r_reader {
	pthread_t thread;
	char *base;
	uint64_t salt;
	const size_t *order;	/* page numbers to read */
	size_t n;
	volatile int done;
	int *result;		/* per page: R_ZERO, R_FULL or R_TORN (by page nr) */
	pid_t tid;
};

static void *r_reader_main(void *arg)
{
	struct r_reader *r = arg;
	size_t i;

	r->tid = (pid_t)syscall(SYS_gettid);
	for (i = 0; i < r->n; i++) {
		size_t nr = r->order[i];
		int v = r_check(r->base + nr * (size_t)t_page, r->salt, nr);

		if (r->result)
			r->result[nr] = v;
		if (v == R_TORN)
			t_fail(__FILE__, __LINE__, "page %zu torn", nr);
	}
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static inline void r_reader_start(struct r_reader *r, char *base, uint64_t salt,
				  const size_t *order, size_t n, int *result)
{
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->salt = salt;
	r->order = order;
	r->n = n;
	r->result = result;
	CHECK_OK(-pthread_create(&r->thread, NULL, r_reader_main, r));
}

/* Wait (bounded) for the reader to finish, then join it. */
static inline void r_reader_join(struct r_reader *r, int timeout_ms)
{
	int i;

	for (i = 0; !__atomic_load_n(&r->done, __ATOMIC_ACQUIRE); i++) {
		CHECK_MSG(i < timeout_ms, "faulting thread hangs (%zu pages)", r->n);
		t_msleep(1);
	}
	CHECK_OK(-pthread_join(r->thread, NULL));
}

/* A random permutation of [0, n). */
static inline void r_shuffle(size_t *v, size_t n, uint64_t *seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = i;
	for (i = n; i > 1; i--) {
		uint64_t x = *seed;
		size_t j;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		*seed = x;
		j = (size_t)(x % i);
		{
			size_t t = v[i - 1];

			v[i - 1] = v[j];
			v[j] = t;
		}
	}
}

/* Spin-wait (bounded, with short sleeps) until *@v >= @want. */
static inline bool r_wait_ge(unsigned long *v, unsigned long want, int timeout_ms)
{
	int i;

	for (i = 0; __atomic_load_n(v, __ATOMIC_ACQUIRE) < want; i++) {
		if (i >= timeout_ms)
			return false;
		t_msleep(1);
	}
	return true;
}

#endif
