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
 * off on its own.
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

static int read_once(struct pager_worker *w, struct pager_region *r, size_t page,
		     size_t n, const void **data, uint8_t *kind)
{
	struct uffd_store *s = w->p->store;
	uint64_t t = pager_now();
	int rc;

	if (s->ops->direct) {
		rc = s->ops->direct(s->priv, r->first + page, n, data, kind);
	} else {
		rc = s->ops->read(s->priv, r->first + page, n, w->buf, kind);
		*data = w->buf;
	}
	atomic_fetch_add(&w->st.blocked_ns, pager_now() - t);
	return rc;
}

int pager_fetch(struct pager_worker *w, struct pager_region *r, size_t page,
		size_t n, bool demand, const void **data)
{
	struct uffd_pager *p = w->p;
	unsigned backoff = 5, tries = 0;
	int rc;

	for (;;) {
		rc = read_once(w, r, page, n, data, w->kind);
		if (rc == 0) {
			if (atomic_load(&p->fail_since)) {
				atomic_store(&p->fail_since, 0);
				atomic_store(&p->dead, false);
			}
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
		} else if (p->cfg.on_error != UFFD_ON_ERROR_WAIT) {
			uint64_t now = pager_now(), since = 0;

			if (atomic_load(&p->dead))
				return rc;
			if (atomic_compare_exchange_strong(&p->fail_since, &since, now))
				since = now;
			if (now - since >= (uint64_t)p->cfg.timeout_ms * 1000000ULL) {
				atomic_store(&p->dead, true);
				return rc;
			}
		}
		if (pager_sleep(p, backoff))
			return rc;
		if (backoff < 200)
			backoff *= 2;
	}
}

void pager_give_up(struct pager_worker *w, struct pager_region *r, size_t page,
		   pid_t tid)
{
	struct uffd_pager *p = w->p;
	bool sigbus = p->cfg.on_error != UFFD_ON_ERROR_ZERO && tid > 0;

	atomic_fetch_add(&r->c.lost, 1);
	if (sigbus) {
		/*
		 * The signal first, then the wake: the thread leaves the
		 * fault with SIGBUS pending, so it takes the signal instead
		 * of faulting again.  tgkill only reaches threads of this
		 * process, which is where the pager serves faults.
		 */
		if (syscall(SYS_tgkill, p->pid, tid, SIGBUS) == 0) {
			atomic_fetch_add(&r->c.sigbus, 1);
			pager_release(p, r, page, 1);
		} else {
			sigbus = false;
		}
	}
	if (!sigbus) {
		uint8_t kind = UFFD_PAGE_ZERO;

		if (pager_install(p, r, page, 1, NULL, &kind) == 0) {
			pager_mark_present(p, r, page, 1, true);
			pager_wake(p, r, page, 1);
		} else {
			pager_release(p, r, page, 1);
		}
	}
	pthread_mutex_lock(&p->lock);
	atomic_store(&p->gave_up, true);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}
