/* SPDX-License-Identifier: MIT */
/*
 * Fetching claimed pages from the store, and the failure policy.
 *
 * A demand fetch (a thread is blocked on the page) retries a failing
 * store with backoff for cfg.timeout_ms; then the store counts as dead and
 * cfg.on_error decides (pager_give_up): SIGBUS to the faulting thread,
 * zero pages, or -- WAIT -- retrying for as long as it takes.  While the
 * store is dead, later faults get one try each and then the same policy
 * at once, so a dead server costs each fault one connection attempt, not
 * a timeout.  A success revives the store.  Permanent errors (a corrupt
 * page: EBADMSG) are retried once, then given up whatever the policy: no
 * amount of waiting mends a page.
 *
 * A prefetch (nobody waits for it yet) gets one try; the prefetcher backs
 * off on its own, and applies the same policy when a page is corrupt or
 * the store has been failing for timeout_ms (prefetch.c): a restore never
 * waits for ever on a store that cannot answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "pager/pager.h"

bool pager_sleep(struct uffd_pager *p, unsigned ms)
{
	struct pollfd pfd = { .fd = p->stopfd, .events = POLLIN };

	if (atomic_load(&p->stop))
		return true;
	return poll(&pfd, 1, (int)ms) > 0 || atomic_load(&p->stop);
}

/*
 * Pages of a huge region are k store pages each, read in one go; zero
 * store pages are not in the buffer, and a huge page has no
 * UFFDIO_ZEROPAGE: make each huge page one run of data in w->buf.
 */
static void flatten(struct pager_worker *w, struct pager_region *r, size_t n,
		    const void **data, uint8_t *kind)
{
	size_t ps = w->p->ps, i, total = n * r->k;
	char *b = w->buf;

	if (*data != w->buf) {
		for (i = 0; i < total && kind[i] == UFFD_PAGE_DATA; i++)
			;
		if (i == total)
			goto done;	/* all data, in the store's mapping */
		memcpy(b, *data, total * ps);
		*data = b;
	}
	for (i = 0; i < total; i++)
		if (kind[i] == UFFD_PAGE_ZERO)
			memset(b + i * ps, 0, ps);
done:
	memset(kind, UFFD_PAGE_DATA, n);
}

static int read_once(struct pager_worker *w, struct pager_region *r, size_t page,
		     size_t n, const void **data, uint8_t *kind)
{
	struct uffd_store *s = w->p->store;
	uint64_t t = pager_now(), first = r->first + page * r->k;
	size_t count = n * r->k;
	int rc;

	if (s->ops->direct) {
		rc = s->ops->direct(s->priv, first, count, data, kind);
	} else {
		rc = s->ops->read(s->priv, first, count, w->buf, kind);
		*data = w->buf;
	}
	if (rc == 0 && r->k > 1)
		flatten(w, r, n, data, kind);
	atomic_fetch_add(&w->st.blocked_ns, pager_now() - t);
	return rc;
}

void pager_store_ok(struct uffd_pager *p)
{
	if (atomic_load(&p->fail_since)) {
		atomic_store(&p->fail_since, 0);
		atomic_store(&p->dead, false);
	}
}

bool pager_outage(struct uffd_pager *p, uint64_t t)
{
	uint64_t since = 0;

	if (atomic_load(&p->dead))
		return true;
	if (atomic_compare_exchange_strong(&p->fail_since, &since, t))
		since = t;
	if (pager_now() - since < (uint64_t)p->cfg.timeout_ms * 1000000ULL)
		return false;
	atomic_store(&p->dead, true);
	return true;
}

int pager_fetch(struct pager_worker *w, struct pager_region *r, size_t page,
		size_t n, bool demand, const void **data)
{
	struct uffd_pager *p = w->p;
	unsigned backoff = 5, tries = 0;
	int rc;

	for (;;) {
		uint64_t t = pager_now();

		rc = read_once(w, r, page, n, data, w->kind);
		if (rc == 0) {
			pager_store_ok(p);
			return 0;
		}
		tries++;
		atomic_fetch_add(&r->c.store_errors, 1);
		pager_note_error(p);
		if (!demand || atomic_load(&p->stop))
			return rc;
		if (!pager_err_transient(-rc)) {
			if (tries >= 2)
				return rc;
		} else if (p->cfg.on_error != UFFD_ON_ERROR_WAIT &&
			   pager_outage(p, t)) {
			return rc;
		}
		if (pager_sleep(p, backoff))
			return rc;
		if (backoff < 200)
			backoff *= 2;
	}
}

/* SIGBUS to thread @tid of the owner, or to the owner: true if sent. */
static bool send_sigbus(struct uffd_pager *p, pid_t tid)
{
	if (tid > 0)
		return syscall(SYS_tgkill, p->pid, tid, SIGBUS) == 0;
	/* An adopted uffd whose owner did not ask for thread ids: the
	 * process gets it, as a process whose memory cannot be had. */
	return p->adopted && p->pid > 0 && kill(p->pid, SIGBUS) == 0;
}

void pager_give_up(struct pager_worker *w, struct pager_region *r, size_t page,
		   pid_t tid, bool demand)
{
	struct uffd_pager *p = w->p;
	bool zero = p->cfg.on_error == UFFD_ON_ERROR_ZERO;

	atomic_fetch_add(&r->c.lost, 1);
	if (!zero && !demand) {
		/* Nobody is waiting for it: a fault on it later gets the
		 * policy's outcome (after one more try). */
		pager_lose(p, r, page);
	} else if (!zero && send_sigbus(p, tid)) {
		/*
		 * The signal first, then the wake: the thread leaves the
		 * fault with SIGBUS pending, so it takes the signal instead
		 * of faulting again.
		 */
		atomic_fetch_add(&r->c.sigbus, 1);
		pager_lose(p, r, page);
	} else {
		uint8_t kind = UFFD_PAGE_ZERO;

		if (pager_install(p, r, page, 1, NULL, &kind) == 0) {
			pager_mark_present(p, r, page, 1, demand);
			pager_wake(p, r, page, 1);
		} else {
			pager_release(p, r, page, 1);
		}
	}
	pager_set_gave_up(p);
}
