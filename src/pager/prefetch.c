/* SPDX-License-Identifier: MIT */
/*
 * The prefetcher: one thread that fetches pages before they are touched,
 * in this order of preference:
 *
 *  1. the replay plan: the pages a recorded run touched, in the order it
 *     first touched them (plan.c) -- the best prediction there is;
 *  2. readahead: after each demand fault (a hint from the worker), the
 *     next cfg.readahead pages and a few before the fault;
 *  3. the background sweep: every page still missing, from where the last
 *     readahead ended, wrapping around -- until the regions are complete.
 *
 * Work goes in batches: one store read (one round trip for network stores,
 * pipelined for scattered pages) and one UFFDIO_COPY per run of pages.
 * Batches start at 4 pages and double up to cfg.batch, so the first
 * faults of a restore never wait behind a large batch.
 *
 * Demand faults go first: workers are threads of their own with their own
 * store connections; before each batch the prefetcher yields the CPU if a
 * worker holds fault messages; and the sweep -- the bulk of the work --
 * runs at nice +10 (plan and readahead, which the application is about to
 * need, at the normal priority).  A failed batch gives its pages back
 * (waking any thread that faulted on them meanwhile) and backs off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include "pager/pager.h"

struct job {
	size_t n, max;			/* pages in it, pages it may take */
	struct pager_region *r[PAGER_MAX_BATCH];
	size_t page[PAGER_MAX_BATCH];
	uint64_t idx[PAGER_MAX_BATCH];
};

/*
 * Demand first: while workers hold fault messages, give them the CPU once
 * before the next batch.  (Waiting until no fault is in flight would
 * starve the prefetcher under a steady stream of faults -- exactly when
 * prefetching helps most.)  True when the pager stops.
 */
static bool yield_to_demand(struct uffd_pager *p)
{
	if (atomic_load(&p->demand_active))
		sched_yield();
	return atomic_load(&p->stop);
}

static bool contiguous(const struct job *j)
{
	size_t i;

	for (i = 1; i < j->n; i++)
		if (j->r[i] != j->r[0] || j->page[i] != j->page[0] + i)
			return false;
	return true;
}

/* Give back (or install) a job's pages, in runs of one region. */
static void each_run(struct uffd_pager *p, struct job *j, const char *data,
		     bool ok, struct pager_worker *w)
{
	size_t i = 0, k;

	while (i < j->n) {
		for (k = i + 1; k < j->n && j->r[k] == j->r[i] &&
		     j->page[k] == j->page[k - 1] + 1; k++)
			;
		if (!ok) {
			pager_release(p, j->r[i], j->page[i], k - i);
		} else {
			/* An install that fails (memory unmapped under us)
			 * abandons the pages: they count as present. */
			if (pager_install(p, j->r[i], j->page[i], k - i,
					  data + i * j->r[i]->ps, w->kind + i))
				pager_note_error(p);
			pager_mark_present(p, j->r[i], j->page[i], k - i, false);
			atomic_fetch_add(&w->st.pages, k - i);
			pager_wake(p, j->r[i], j->page[i], k - i);
		}
		i = k;
	}
}

/* Fetch a job's pages (claimed); 0 or -errno. */
static int fetch_job(struct pager_worker *w, struct job *j, const void **data)
{
	struct uffd_pager *p = w->p;
	uint64_t t = pager_now();
	size_t i;
	int rc;

	*data = w->buf;
	if (contiguous(j))
		return pager_fetch(w, j->r[0], j->page[0], j->n, false, data);
	for (i = 0; i < j->n; i++)
		j->idx[i] = j->r[i]->first + j->page[i];
	rc = store_readv(p->store, j->idx, j->n, w->buf, w->kind);
	atomic_fetch_add(&w->st.blocked_ns, pager_now() - t);
	if (rc == 0)
		pager_store_ok(p);
	else {
		atomic_fetch_add(&j->r[0]->c.store_errors, 1);
		pager_note_error(p);
	}
	return rc;
}

static bool run_job(struct pager_worker *w, struct job *j);

/* True for a failure of the store itself (back off), not of a page. */
static bool store_failure(int rc)
{
	return rc && pager_err_transient(-rc);
}

/*
 * A batch failed.  A permanent error (a corrupt page) is some page's:
 * fetch them one by one, so that the good ones go in and the bad one is
 * given up per the policy.  A transient one: the pages go back; once the
 * store has been failing for timeout_ms it is dead, and the restore is
 * told (uffd_pager_wait() returns EIO) rather than left waiting -- unless
 * the policy is WAIT.
 */
static void job_failed(struct pager_worker *w, struct job *j, int rc, uint64_t t)
{
	struct uffd_pager *p = w->p;
	struct job one;
	size_t i;

	each_run(p, j, NULL, false, w);
	if (atomic_load(&p->stop))
		return;
	if (pager_err_transient(-rc)) {
		if (p->cfg.on_error != UFFD_ON_ERROR_WAIT && pager_outage(p, t) &&
		    !atomic_load(&p->gave_up))
			pager_set_gave_up(p);
		return;
	}
	if (j->n == 1) {
		if (pager_claim(j->r[0], j->page[0]))
			pager_give_up(w, j->r[0], j->page[0], 0, false);
		return;
	}
	for (i = 0; i < j->n && !atomic_load(&p->stop); i++) {
		one.n = 0;
		one.max = 1;
		if (!pager_claim(j->r[i], j->page[i]))
			continue;
		one.r[0] = j->r[i];
		one.page[0] = j->page[i];
		one.n = 1;
		if (!run_job(w, &one))
			break;	/* the store itself failed: back off */
	}
}

/* Fetch and install a job; false when the store failed (back off).  A
 * corrupt page is given up and the rest installed: that is no failure. */
static bool run_job(struct pager_worker *w, struct job *j)
{
	struct uffd_pager *p = w->p;
	const void *data;
	uint64_t t = pager_now();
	int rc;

	if (!j->n)
		return true;
	rc = fetch_job(w, j, &data);
	if (rc == 0)
		each_run(p, j, data, true, w);
	else
		job_failed(w, j, rc, t);
	atomic_fetch_add(&w->st.busy_ns, pager_now() - t);
	j->n = 0;
	return !store_failure(rc);
}

/*
 * From page @pos of @r, skip pages that are not missing (up to @end),
 * then claim a run of missing ones into @j (one stripe, one batch).
 * Returns where to look next.
 */
static size_t take_run(struct uffd_pager *p, struct pager_region *r, size_t pos,
		       size_t end, struct job *j)
{
	size_t limit;

	while (pos < end && (atomic_load(&r->state[pos]) & PG_STATE) != PG_MISSING)
		pos++;
	if (pos >= end)
		return end;
	limit = pos + pager_stripe_left(p, r, pos);
	if (r->k > 1)		/* a huge page is a batch of its own */
		limit = j->n ? pos : pos + 1;
	if (limit > end)
		limit = end;
	while (pos < limit && j->n < j->max && pager_claim(r, pos)) {
		j->r[j->n] = r;
		j->page[j->n++] = pos++;
	}
	return pos;
}

/* The window around a fault: a few pages before, readahead after. */
static bool do_hint(struct pager_worker *w, struct pager_region *r, size_t page,
		    size_t max)
{
	struct uffd_pager *p = w->p;
	size_t ra = p->cfg.readahead / r->k ? p->cfg.readahead / r->k : 1;
	size_t back = ra / 8, pos, end;
	struct job j;

	j.n = 0;
	j.max = max;
	end = page + 1 + ra;
	if (end > r->npages)
		end = r->npages;
	/* The background sweep carries on from where readahead ends. */
	r->sweep = end < r->npages ? end : 0;
	for (pos = page + 1; pos < end;) {
		pos = take_run(p, r, pos, end, &j);
		if (j.n && !run_job(w, &j))
			return false;
		if (yield_to_demand(p))
			return true;
	}
	for (pos = page > back ? page - back : 0; pos < page;) {
		pos = take_run(p, r, pos, page, &j);
		if (j.n && !run_job(w, &j))
			return false;
	}
	return true;
}

/* The next batch of the replay plan. */
static bool do_plan(struct pager_worker *w, size_t max)
{
	struct uffd_pager *p = w->p;
	int nr = atomic_load(&p->nregions), i;
	struct job j;

	j.n = 0;
	j.max = max;
	while (p->plan_pos < p->nplan && j.n < j.max) {
		uint64_t sp = p->plan[p->plan_pos++];

		for (i = 0; i < nr; i++) {
			struct pager_region *r = p->regions[i];
			size_t page = (size_t)((sp - r->first) / r->k);

			if (sp < r->first || page >= r->npages)
				continue;
			if (r->k > 1 && j.n) {	/* a huge page: a job of its own */
				p->plan_pos--;
				j.max = j.n;
			} else if (pager_claim(r, page)) {
				j.r[j.n] = r;
				j.page[j.n++] = page;
				if (r->k > 1)
					j.max = 1;
			}
			break;
		}
	}
	return run_job(w, &j);
}

/* One batch of the background sweep; *found false when nothing is left. */
static bool do_sweep(struct pager_worker *w, size_t max, bool *found)
{
	struct uffd_pager *p = w->p;
	int nr = atomic_load(&p->nregions), i;
	struct job j;

	j.n = 0;
	j.max = max;
	*found = false;
	for (i = 0; i < nr && !j.n; i++) {
		struct pager_region *r = p->regions[i];
		size_t pos;

		if (atomic_load(&r->c.present) == r->npages)
			continue;
		pos = take_run(p, r, r->sweep, r->npages, &j);
		if (!j.n)
			pos = take_run(p, r, 0, r->sweep, &j);
		r->sweep = pos < r->npages ? pos : 0;
	}
	if (!j.n)
		return true;
	*found = true;
	return run_job(w, &j);
}

/* The CPU priority of this thread: nice 10 for the sweep, else 0. */
static void set_nice(int *cur, int want)
{
	if (*cur != want && setpriority(PRIO_PROCESS, (id_t)gettid(), want) == 0)
		*cur = want;
}

void *pager_prefetch_main(void *arg)
{
	struct pager_worker *w = arg;
	struct uffd_pager *p = w->p;
	unsigned backoff = 0;
	size_t batch = 4;	/* slow start: the first faults are not kept
				 * waiting behind a large batch */
	int nice = 0;

	atomic_store(&w->st.tid, gettid());
	while (!yield_to_demand(p)) {
		bool ok = true, found = false, sweep;
		int hint_region = -1;
		size_t hint_page = 0;

		if (backoff && pager_sleep(p, backoff))
			break;
		sweep = atomic_load(&p->sweep_all) ||
			!(p->cfg.flags & (UFFD_PAGER_NO_PREFETCH | UFFD_PAGER_NO_BACKGROUND));

		if (p->plan_pos < p->nplan && atomic_load(&p->nregions)) {
			/* The plan predicts better than readahead: first. */
			set_nice(&nice, 0);
			ok = do_plan(w, batch);
			found = true;
		} else {
			pthread_mutex_lock(&p->lock);
			if (p->hint_count) {
				hint_region = p->hints[p->hint_head].region;
				hint_page = p->hints[p->hint_head].page;
				p->hint_head = (p->hint_head + 1) % PAGER_HINTS;
				p->hint_count--;
			}
			pthread_mutex_unlock(&p->lock);
			if (hint_region >= 0) {
				set_nice(&nice, 0);
				ok = do_hint(w, p->regions[hint_region], hint_page,
					     batch);
				found = true;
			} else if (sweep) {
				/* The rest of the image: low priority. */
				set_nice(&nice, 10);
				ok = do_sweep(w, batch, &found);
			}
		}
		if (!ok) {
			backoff = backoff ? backoff * 2 : 20;
			if (backoff > 1000)
				backoff = 1000;
			continue;
		}
		backoff = 0;
		if (found) {
			if (batch < p->cfg.batch)
				batch = batch * 2 < p->cfg.batch ? batch * 2 : p->cfg.batch;
			continue;
		}
		/* Nothing to do: sleep until a hint, a region or a stop. */
		pthread_mutex_lock(&p->lock);
		if (!p->hint_count && !atomic_load(&p->stop)) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_nsec += 100 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&p->work, &p->lock, &ts);
		}
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}
