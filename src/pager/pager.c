/* SPDX-License-Identifier: MIT */
/*
 * The pager: lifecycle, regions and page states.
 *
 * A pager owns cfg.queues userfaultfds and the regions registered with
 * them (a region is striped over the queues, stripe by stripe), a pool of
 * demand-fault workers (fault.c) and one prefetcher
 * (prefetch.c).  Every page of a region has a state byte:
 *
 *	MISSING --claim--> BUSY --install--> PRESENT
 *	                     \--release (fetch failed)--> MISSING + WAKE
 *
 * Whoever claims a page (CAS) fetches and installs it; a fault on a BUSY
 * page needs nothing more: the owner's UFFDIO_COPY wakes every thread
 * waiting in its range, and an owner that gives a page back wakes them
 * too, so that they fault again and reach a worker.  No thread is ever
 * left waiting on a page nobody owns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include "pager/pager.h"

uint64_t pager_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- page states ---- */

struct pager_region *pager_find(struct uffd_pager *p, uint64_t addr, size_t *page)
{
	int i, n = atomic_load(&p->nregions);

	for (i = 0; i < n; i++) {
		struct pager_region *r = p->regions[i];

		if (addr >= (uintptr_t)r->base &&
		    addr < (uintptr_t)r->base + r->npages * r->ps) {
			*page = (addr - (uintptr_t)r->base) / r->ps;
			return r;
		}
	}
	return NULL;
}

int pager_fd(const struct uffd_pager *p, const struct pager_region *r, size_t page)
{
	(void)r;	/* stripes start at every region's first page */
	if (p->nq == 1)
		return p->fds[0];
	return p->fds[(page / p->stripe_pages) % (size_t)p->nq];
}

size_t pager_stripe_left(const struct uffd_pager *p, const struct pager_region *r,
			 size_t page)
{
	size_t left = r->npages - page;

	if (p->nq > 1 && p->stripe_pages - page % p->stripe_pages < left)
		left = p->stripe_pages - page % p->stripe_pages;
	return left;
}

bool pager_claim(struct pager_region *r, size_t page)
{
	uint8_t s = atomic_load(&r->state[page]);

	while ((s & PG_STATE) == PG_MISSING)
		if (atomic_compare_exchange_weak(&r->state[page], &s,
						 (uint8_t)((s & ~PG_STATE) | PG_BUSY)))
			return true;
	return false;
}

/* Page @page's state becomes @st (its other bits kept). */
static void set_state(struct pager_region *r, size_t page, uint8_t st)
{
	uint8_t s = atomic_load(&r->state[page]);

	while (!atomic_compare_exchange_weak(&r->state[page], &s,
					     (uint8_t)((s & ~PG_STATE) | st)))
		;
}

bool pager_claim_fault(struct pager_region *r, size_t page)
{
	uint8_t s = atomic_load(&r->state[page]);

	while ((s & PG_STATE) == PG_MISSING || (s & PG_STATE) == PG_LOST)
		if (atomic_compare_exchange_weak(&r->state[page], &s,
						 (uint8_t)((s & ~PG_STATE) | PG_BUSY)))
			return true;
	return false;
}

void pager_lose(struct uffd_pager *p, struct pager_region *r, size_t page)
{
	set_state(r, page, PG_LOST);
	pager_wake(p, r, page, 1);
}

void pager_set_gave_up(struct uffd_pager *p)
{
	pthread_mutex_lock(&p->lock);
	atomic_store(&p->gave_up, true);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void pager_release(struct uffd_pager *p, struct pager_region *r, size_t page,
		   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		set_state(r, page + i, PG_MISSING);
	/* Threads that faulted meanwhile fault again and reach a worker. */
	pager_wake(p, r, page, n);
}

/* Everything present: wake uffd_pager_wait(). */
static void complete_check(struct uffd_pager *p)
{
	if (atomic_load(&p->present_pages) != atomic_load(&p->total_pages))
		return;
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void pager_mark_present(struct uffd_pager *p, struct pager_region *r, size_t page,
			size_t n, bool demand)
{
	size_t i;
	uint64_t now;

	for (i = 0; i < n; i++)
		set_state(r, page + i, PG_PRESENT);
	atomic_fetch_add(demand ? &r->c.demand : &r->c.prefetch, n);
	if (atomic_fetch_add(&r->c.present, n) + n == r->npages) {
		uint64_t zero = 0;

		now = pager_now() - p->t0;
		atomic_compare_exchange_strong(&r->c.complete, &zero, now);
	}
	atomic_fetch_add(&p->present_pages, n);
	complete_check(p);
}

void pager_record(struct uffd_pager *p, uint64_t store_page)
{
	pthread_mutex_lock(&p->lock);
	if (p->nrec == p->caprec) {
		size_t cap = p->caprec ? p->caprec * 2 : 4096;
		uint64_t *v = realloc(p->rec, cap * sizeof(*v));

		if (!v) {
			pthread_mutex_unlock(&p->lock);
			return;
		}
		p->rec = v;
		p->caprec = cap;
	}
	p->rec[p->nrec++] = store_page;
	pthread_mutex_unlock(&p->lock);
}

void pager_hint(struct uffd_pager *p, struct pager_region *r, size_t page)
{
	unsigned slot;

	pthread_mutex_lock(&p->lock);
	slot = (p->hint_head + p->hint_count) % PAGER_HINTS;
	if (p->hint_count == PAGER_HINTS)	/* full: drop the oldest */
		p->hint_head = (p->hint_head + 1) % PAGER_HINTS;
	else
		p->hint_count++;
	p->hints[slot].region = r->id;
	p->hints[slot].page = page;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

void pager_note_error(struct uffd_pager *p)
{
	const char *d = uffd_pager_diagnostic();

	if (atomic_load(&p->has_error))
		return;
	pthread_mutex_lock(&p->lock);
	if (!atomic_load(&p->has_error)) {
		snprintf(p->error, sizeof(p->error), "%s",
			 *d ? d : "store read failed");
		atomic_store(&p->has_error, true);
	}
	pthread_mutex_unlock(&p->lock);
}

/* ---- lifecycle ---- */

static int open_queue(struct uffd_pager *p, int *fd_out, bool *tid)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_THREAD_ID };
	int fd, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (p->cfg.engine == UFFD_ENGINE_AUTO)
			fd = uffd_open(O_CLOEXEC | O_NONBLOCK);
		else
			fd = uffd_open_engine(O_CLOEXEC | O_NONBLOCK, p->cfg.engine);
		if (fd < 0)
			return pager_fail(errno, "pager: cannot create a userfaultfd: %s",
					  uffd_diagnostic());
		if (uffd_ioctl(fd, UFFDIO_API, &api) == 0) {
			*fd_out = fd;
			*tid = api.features & UFFD_FEATURE_THREAD_ID;
			return 0;
		}
		close(fd);
		/* Without THREAD_ID: SIGBUS then falls back to zero pages. */
		api = (struct uffdio_api){ .api = UFFD_API };
	}
	return pager_fail(errno, "pager: UFFDIO_API: %s", strerror(errno));
}

static void apply_defaults(struct uffd_pager_config *c)
{
	if (!c->workers)
		c->workers = 2;
	if (c->workers > PAGER_MAX_WORKERS)
		c->workers = PAGER_MAX_WORKERS;
	if (!c->queues)
		c->queues = 1;
	if (c->queues > PAGER_MAX_QUEUES)
		c->queues = PAGER_MAX_QUEUES;
	if (!c->stripe)
		c->stripe = 2 << 20;
	if (!c->readahead)
		c->readahead = 64;
	if (!c->batch)
		c->batch = 64;
	if (c->batch > PAGER_MAX_BATCH)
		c->batch = PAGER_MAX_BATCH;
	if (!c->timeout_ms)
		c->timeout_ms = 2000;
}

static int start_thread(struct uffd_pager *p, struct pager_worker *w,
			void *(*fn)(void *), enum uffd_pager_thread_kind kind)
{
	int err;

	w->p = p;
	stats_thread_init(&w->st, kind);
	w->buf = aligned_alloc(p->ps, p->buf_pages * p->ps);
	w->kind = malloc(p->buf_pages);
	if (!w->buf || !w->kind) {
		free(w->buf);
		free(w->kind);
		w->buf = NULL;
		return pager_fail(ENOMEM, "pager: out of memory");
	}
	err = pthread_create(&w->thread, NULL, fn, w);
	if (err) {
		free(w->buf);
		free(w->kind);
		w->buf = NULL;
		return pager_fail(err, "pager: cannot start a thread: %s",
				  strerror(err));
	}
	return 0;
}

void pager_signal_stop(struct uffd_pager *p)
{
	uint64_t one = 1;

	atomic_store(&p->stop, true);
	if (write(p->stopfd, &one, sizeof(one)) != sizeof(one))
		abort();	/* an eventfd write of 1 cannot fail */
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->work);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void stop_threads(struct uffd_pager *p)
{
	int i;

	pager_signal_stop(p);
	for (i = 0; i < p->nworkers; i++) {
		pthread_join(p->workers[i].thread, NULL);
		free(p->workers[i].buf);
		free(p->workers[i].kind);
	}
	p->nworkers = 0;
	if (p->prefetch_started) {
		pthread_join(p->prefetcher.thread, NULL);
		free(p->prefetcher.buf);
		free(p->prefetcher.kind);
		p->prefetch_started = false;
	}
}

/* Unregister stripe by stripe, each from its own uffd. */
static void unregister(struct uffd_pager *p, struct pager_region *r, size_t npages)
{
	size_t page;

	for (page = 0; page < npages; page += pager_stripe_left(p, r, page)) {
		struct uffdio_range rg = {
			(uintptr_t)r->base + page * r->ps,
			pager_stripe_left(p, r, page) * r->ps };

		uffd_ioctl(pager_fd(p, r, page), UFFDIO_UNREGISTER, &rg);
	}
}

void pager_destroy(struct uffd_pager *p)
{
	int i;

	for (i = 0; i < atomic_load(&p->nregions); i++) {
		struct pager_region *r = p->regions[i];

		/* An adopted uffd's regions stay registered: its owner's
		 * faults must not turn into silent zero pages. */
		if (!p->adopted)
			unregister(p, r, r->npages);
		free((void *)r->state);
		free(r);
	}
	for (i = 0; i < p->nq; i++)
		close(p->fds[i]);
	if (p->stopfd >= 0)
		close(p->stopfd);
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->zeros)
		munmap((void *)p->zeros, p->zeros_len);
	uffd_store_close(p->store);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	pthread_cond_destroy(&p->work);
	free(p->plan);
	free(p->rec);
	free(p);
}

struct uffd_pager *pager_alloc(struct uffd_store *store,
			       const struct uffd_pager_config *cfg)
{
	struct uffd_pager *p;
	pthread_condattr_t ca;

	pager_diag_clear();
	if (!store) {
		pager_fail(EINVAL, "pager: no store");
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		uffd_store_close(store);
		pager_fail(ENOMEM, "pager: out of memory");
		return NULL;
	}
	p->store = store;
	if (cfg)
		p->cfg = *cfg;
	p->cfg.replay = NULL;	/* not kept: the caller's string */
	apply_defaults(&p->cfg);
	p->ps = (size_t)sysconf(_SC_PAGESIZE);
	p->buf_pages = PAGER_MAX_BATCH;
	p->stripe_pages = p->cfg.stripe / p->ps ? p->cfg.stripe / p->ps : 1;
	p->t0 = pager_now();
	p->pid = getpid();
	p->stopfd = -1;
	p->pidfd = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_cond_init(&p->work, &ca);
	pthread_condattr_destroy(&ca);
	if (store->page_size != p->ps) {
		pager_fail(EINVAL, "pager: the store has pages of %zu bytes, this "
			   "host %zu", store->page_size, p->ps);
		goto fail;
	}
	if (cfg && cfg->replay && plan_load(cfg->replay, &p->plan, &p->nplan))
		goto fail;
	p->stopfd = eventfd(0, EFD_CLOEXEC);
	if (p->stopfd < 0) {
		pager_fail(errno, "pager: eventfd: %s", strerror(errno));
		goto fail;
	}
	return p;
fail:
	pager_destroy(p);
	return NULL;
}

/* The workers and the prefetcher; on failure everything is undone but
 * the pager itself (pager_destroy it). */
int pager_start(struct uffd_pager *p)
{
	unsigned i;
	int e;

	for (i = 0; i < p->cfg.workers; i++) {
		if (start_thread(p, &p->workers[i], pager_worker_main,
				 UFFD_THREAD_WORKER))
			goto fail;
		p->nworkers++;
	}
	if (start_thread(p, &p->prefetcher, pager_prefetch_main, UFFD_THREAD_PREFETCH))
		goto fail;
	p->prefetch_started = true;
	return 0;
fail:
	e = errno;
	stop_threads(p);
	errno = e;
	return -1;
}

PAGER_API struct uffd_pager *uffd_pager_new(struct uffd_store *store,
					    const struct uffd_pager_config *cfg)
{
	struct uffd_pager *p = pager_alloc(store, cfg);
	unsigned i;
	int e;

	if (!p)
		return NULL;
	for (i = 0; i < p->cfg.queues; i++) {
		bool tid = false;

		if (open_queue(p, &p->fds[i], &tid))
			goto fail;
		p->have_tid = i ? p->have_tid && tid : tid;
		p->nq++;
	}
	if (pager_start(p) == 0)
		return p;
fail:
	e = errno;
	pager_destroy(p);
	errno = e;
	return NULL;
}

int pager_add_region(struct uffd_pager *p, void *addr, size_t npages, size_t ps,
		     uint64_t first, bool reg)
{
	struct pager_region *r;
	size_t page;
	int id;

	r = calloc(1, sizeof(*r));
	if (!r)
		return pager_fail(ENOMEM, "pager: out of memory");
	r->state = calloc(npages, 1);
	if (!r->state) {
		free(r);
		return pager_fail(ENOMEM, "pager: out of memory");
	}
	r->base = addr;
	r->npages = npages;
	r->ps = ps;
	r->k = ps / p->ps;
	r->first = first;
	for (page = 0; reg && page < npages; page += pager_stripe_left(p, r, page)) {
		struct uffdio_register rg = {
			.range = { (uintptr_t)addr + page * ps,
				   pager_stripe_left(p, r, page) * ps },
			.mode = UFFDIO_REGISTER_MODE_MISSING,
		};

		if (uffd_ioctl(pager_fd(p, r, page), UFFDIO_REGISTER, &rg) ||
		    !(rg.ioctls & ((__u64)1 << _UFFDIO_COPY))) {
			int e = errno ? errno : EINVAL;

			unregister(p, r, page);
			free((void *)r->state);
			free(r);
			return pager_fail(e, "pager: UFFDIO_REGISTER: %s%s",
					  strerror(e), e == EINVAL ?
					  " (not private anonymous memory?)" : "");
		}
	}
	pthread_mutex_lock(&p->lock);
	id = atomic_load(&p->nregions);
	if (id == PAGER_MAX_REGIONS) {
		pthread_mutex_unlock(&p->lock);
		if (reg)
			unregister(p, r, npages);
		free((void *)r->state);
		free(r);
		return pager_fail(ENOSPC, "pager: too many regions (%d)",
				  PAGER_MAX_REGIONS);
	}
	r->id = id;
	p->regions[id] = r;
	atomic_fetch_add(&p->total_pages, npages);
	atomic_store(&p->nregions, id + 1);
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return id;
}

PAGER_API int uffd_pager_add(struct uffd_pager *p, void *addr, size_t len,
			     uint64_t first_page)
{
	size_t npages = len / p->ps;

	pager_diag_clear();
	if (!len || len % p->ps || (uintptr_t)addr % p->ps)
		return pager_fail(EINVAL, "pager: region not page-aligned");
	if (first_page > p->store->npages || npages > p->store->npages - first_page)
		return pager_fail(ERANGE, "pager: pages %llu..%llu are beyond the "
				  "store's %llu", (unsigned long long)first_page,
				  (unsigned long long)(first_page + npages),
				  (unsigned long long)p->store->npages);
	return pager_add_region(p, addr, npages, p->ps, first_page, true);
}

PAGER_API void *uffd_pager_map(struct uffd_pager *p, uint64_t first_page,
			       size_t npages, int *region)
{
	size_t len = npages * p->ps;
	void *m;
	int id, e;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		pager_fail(errno, "pager: mmap of %zu bytes: %s", len, strerror(errno));
		return NULL;
	}
	/* Faults and installs page by page: no transparent huge pages. */
	madvise(m, len, MADV_NOHUGEPAGE);
	id = uffd_pager_add(p, m, len, first_page);
	if (id < 0) {
		e = errno;
		munmap(m, len);
		errno = e;
		return NULL;
	}
	if (region)
		*region = id;
	return m;
}

void pager_deadline(struct timespec *ts, int timeout_ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

PAGER_API int uffd_pager_wait(struct uffd_pager *p, int timeout_ms)
{
	struct timespec ts;
	int r = 0;

	pager_diag_clear();
	if (timeout_ms >= 0)
		pager_deadline(&ts, timeout_ms);
	pthread_mutex_lock(&p->lock);
	while (atomic_load(&p->present_pages) < atomic_load(&p->total_pages) &&
	       !atomic_load(&p->gave_up) && !atomic_load(&p->stop) && r == 0) {
		if (timeout_ms < 0)
			pthread_cond_wait(&p->cond, &p->lock);
		else
			r = pthread_cond_timedwait(&p->cond, &p->lock, &ts);
	}
	pthread_mutex_unlock(&p->lock);
	if (atomic_load(&p->gave_up))
		return pager_fail(EIO, "pager: pages were lost: %s", p->error);
	if (atomic_load(&p->owner_gone))
		return pager_fail(ESRCH, "pager: the memory's process has exited");
	if (atomic_load(&p->present_pages) < atomic_load(&p->total_pages))
		return pager_fail(ETIMEDOUT, "pager: %llu of %llu pages present",
				  (unsigned long long)atomic_load(&p->present_pages),
				  (unsigned long long)atomic_load(&p->total_pages));
	return 0;
}

PAGER_API int uffd_pager_complete(struct uffd_pager *p, int timeout_ms)
{
	pthread_mutex_lock(&p->lock);
	atomic_store(&p->sweep_all, true);
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return uffd_pager_wait(p, timeout_ms);
}

PAGER_API int uffd_pager_save_plan(struct uffd_pager *p, const char *path)
{
	int r;

	pager_diag_clear();
	pthread_mutex_lock(&p->lock);
	r = plan_save(path, p->rec, p->nrec, p->ps);
	pthread_mutex_unlock(&p->lock);
	return r;
}

PAGER_API const char *uffd_pager_engine(const struct uffd_pager *p)
{
	return uffd_engine(p->fds[0]);
}

PAGER_API const char *uffd_pager_error(struct uffd_pager *p)
{
	return atomic_load(&p->has_error) ? p->error : NULL;
}

PAGER_API int uffd_pager_close(struct uffd_pager *p)
{
	if (!p)
		return 0;
	stop_threads(p);
	pager_destroy(p);
	return 0;
}
