/* SPDX-License-Identifier: MIT */
/*
 * Demand-fault workers.  Each worker polls every queue (userfaultfd) of
 * the pager and reads messages in batches; whichever worker reads a
 * message serves it:
 *
 *	page MISSING	claim it, fetch it (retrying per the policy),
 *			COPY or ZEROPAGE it in -- which wakes the thread
 *	page BUSY	someone is fetching it: their install wakes us
 *	page PRESENT	a late or duplicate message: WAKE (install.c)
 *
 * then hands the fault to the prefetcher as a readahead hint.  While a
 * worker holds messages, demand_active is non-zero and the prefetcher
 * waits: demand faults always go first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include "pager/pager.h"

#define MSGS 16

static void serve(struct pager_worker *w, const struct uffd_msg *m, uint64_t t_read)
{
	struct uffd_pager *p = w->p;
	pid_t tid = p->have_tid ? (pid_t)m->arg.pagefault.feat.ptid : 0;
	struct pager_region *r;
	const void *data;
	size_t page;
	uint8_t st;
	bool wake = false;
	int rc;

	r = pager_find(p, m->arg.pagefault.address, &page);
	if (!r)
		return;		/* not a region of ours: cannot happen */
	atomic_fetch_add(&r->c.faults, 1);
	{
		uint64_t zero = 0;

		atomic_compare_exchange_strong(&r->c.first_fault, &zero,
					       t_read - p->t0);
	}
	st = atomic_fetch_or(&r->state[page], PG_TOUCHED);
	if (!(st & PG_TOUCHED) && (p->cfg.flags & UFFD_PAGER_RECORD))
		pager_record(p, r->first + page * r->k);

	if (pager_claim_fault(r, page)) {
		rc = pager_fetch(w, r, page, 1, true, &data);
		if (rc == 0)
			rc = pager_install(p, r, page, 1, data, w->kind);
		if (rc == 0) {
			pager_mark_present(p, r, page, 1, true);
			atomic_fetch_add(&w->st.pages, 1);
			wake = true;
		} else if (atomic_load(&p->stop)) {
			/* Closing: no verdict on the store.  The thread is
			 * woken by the unregister and sees an empty page. */
			pager_release(p, r, page, 1);
		} else {
			pager_give_up(w, r, page, tid, true);
		}
	} else if ((atomic_load(&r->state[page]) & PG_STATE) == PG_PRESENT) {
		pager_resolve_present(p, r, page);
	} else {
		atomic_fetch_add(&r->c.joined, 1);
	}
	stats_fault(p, r, tid, pager_now() - t_read);
	atomic_fetch_add(&w->st.faults, 1);
	if (wake)	/* counted first: the thread resumes after this */
		pager_wake(p, r, page, 1);
	if (!(p->cfg.flags & UFFD_PAGER_NO_PREFETCH))
		pager_hint(p, r, page);
}

/* Drain one queue: read batches until it is empty. */
static void drain(struct pager_worker *w, int fd)
{
	struct uffd_pager *p = w->p;
	struct uffd_msg msgs[MSGS];

	while (!atomic_load(&p->stop)) {
		ssize_t n = read(fd, msgs, sizeof(msgs)), i;
		uint64_t t = pager_now();

		if (n <= 0)
			return;		/* EAGAIN: another worker got them */
		atomic_fetch_add(&p->demand_active, 1);
		for (i = 0; i < n / (ssize_t)sizeof(msgs[0]); i++) {
			const struct uffd_msg *m = &msgs[i];

			if (m->event == UFFD_EVENT_PAGEFAULT)
				serve(w, m, t);
			else if (m->event == UFFD_EVENT_REMOVE ||
				 m->event == UFFD_EVENT_UNMAP)
				pager_discarded(p, m->arg.remove.start,
						m->arg.remove.end);
		}
		atomic_fetch_sub(&p->demand_active, 1);
		atomic_fetch_add(&w->st.busy_ns, pager_now() - t);
	}
}

void *pager_worker_main(void *arg)
{
	struct pager_worker *w = arg;
	struct uffd_pager *p = w->p;
	struct pollfd pfd[PAGER_MAX_QUEUES + 2];
	int i;

	atomic_store(&w->st.tid, gettid());
	for (i = 0; i < p->nq; i++)
		pfd[i] = (struct pollfd){ .fd = p->fds[i], .events = POLLIN };
	pfd[p->nq] = (struct pollfd){ .fd = p->stopfd, .events = POLLIN };
	/* An adopted uffd: its owner's exit ends the service. */
	pfd[p->nq + 1] = (struct pollfd){ .fd = p->pidfd, .events = POLLIN };
	while (!atomic_load(&p->stop)) {
		if (poll(pfd, (nfds_t)p->nq + 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[p->nq].revents)
			break;
		if (pfd[p->nq + 1].revents) {
			pager_owner_exited(p);
			break;
		}
		for (i = 0; i < p->nq; i++)
			if (pfd[i].revents & POLLIN)
				drain(w, p->fds[i]);
	}
	return NULL;
}
