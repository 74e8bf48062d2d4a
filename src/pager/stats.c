/* SPDX-License-Identifier: MIT */
/*
 * Metrics.  Counters are per region (atomics, updated where the work is
 * done); uffd_pager_stats() sums them.  Fault service time -- from the
 * read() that returned the message to the end of its resolution, which is
 * the part of a fault the pager controls -- goes into a log2 histogram.
 * Threads: each worker and the prefetcher keep their own counters; the
 * application threads that fault are found by their tid (from
 * UFFD_FEATURE_THREAD_ID) in a small open-addressed table, with the time
 * each spent blocked in faults.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include "pager/pager.h"

void stats_thread_init(struct pager_thread *t, enum uffd_pager_thread_kind kind)
{
	memset(t, 0, sizeof(*t));
	t->kind = kind;
}

struct pager_thread *stats_thread(struct uffd_pager *p, pid_t tid)
{
	unsigned h = (unsigned)tid * 2654435761u, i;

	for (i = 0; i < PAGER_MAX_THREADS; i++) {
		struct pager_thread *t = &p->threads[(h + i) % PAGER_MAX_THREADS];
		pid_t cur = atomic_load(&t->tid);

		if (cur == tid)
			return t;
		if (cur == 0) {
			if (atomic_compare_exchange_strong(&t->tid, &cur, tid))
				return t;
			if (cur == tid)
				return t;
		}
	}
	return NULL;	/* full: that thread goes uncounted */
}

static unsigned bucket(uint64_t ns)
{
	uint64_t us = ns / 1000;
	unsigned b;

	if (!us)
		return 0;
	b = 64 - (unsigned)__builtin_clzll(us);
	return b < UFFD_PAGER_HIST ? b : UFFD_PAGER_HIST - 1;
}

void stats_fault(struct uffd_pager *p, struct pager_region *r, pid_t tid,
		 uint64_t ns)
{
	uint64_t max = atomic_load(&r->c.lat_max);

	atomic_fetch_add(&r->c.hist[bucket(ns)], 1);
	atomic_fetch_add(&r->c.lat_total, ns);
	while (ns > max && !atomic_compare_exchange_weak(&r->c.lat_max, &max, ns))
		;
	if (tid > 0) {
		struct pager_thread *t = stats_thread(p, tid);

		if (t) {
			atomic_fetch_add(&t->faults, 1);
			atomic_fetch_add(&t->blocked_ns, ns);
		}
	}
}

static void add_region(struct uffd_pager_stats *s, struct pager_region *r)
{
	int i;

	s->pages += r->npages;
	s->present += atomic_load(&r->c.present);
	s->faults += atomic_load(&r->c.faults);
	s->demand_pages += atomic_load(&r->c.demand);
	s->prefetch_pages += atomic_load(&r->c.prefetch);
	s->joined += atomic_load(&r->c.joined);
	s->spurious += atomic_load(&r->c.spurious);
	s->zero_pages += atomic_load(&r->c.zero);
	s->bytes += atomic_load(&r->c.bytes);
	s->store_errors += atomic_load(&r->c.store_errors);
	s->lost_pages += atomic_load(&r->c.lost);
	s->sigbus += atomic_load(&r->c.sigbus);
	s->lat_total_ns += atomic_load(&r->c.lat_total);
	if (atomic_load(&r->c.lat_max) > s->lat_max_ns)
		s->lat_max_ns = atomic_load(&r->c.lat_max);
	for (i = 0; i < UFFD_PAGER_HIST; i++)
		s->lat_hist[i] += atomic_load(&r->c.hist[i]);
}

PAGER_API int uffd_pager_stats(struct uffd_pager *p, int region,
			       struct uffd_pager_stats *st)
{
	int n = atomic_load(&p->nregions), i;
	bool complete = n > 0;

	memset(st, 0, sizeof(*st));
	if (region >= n || region < -1)
		return pager_fail(EINVAL, "pager: no region %d", region);
	for (i = 0; i < n; i++) {
		struct pager_region *r = p->regions[i];
		uint64_t ff = atomic_load(&r->c.first_fault);
		uint64_t done = atomic_load(&r->c.complete);

		if (region >= 0 && i != region)
			continue;
		add_region(st, r);
		if (ff && (!st->first_fault_ns || ff < st->first_fault_ns))
			st->first_fault_ns = ff;
		if (!done)
			complete = false;
		else if (done > st->complete_ns)
			st->complete_ns = done;
	}
	if (!complete && region < 0)
		st->complete_ns = 0;
	return 0;
}

static void copy_thread(struct uffd_pager_thread *o, const struct pager_thread *t)
{
	o->tid = atomic_load(&t->tid);
	o->kind = t->kind;
	o->faults = atomic_load(&t->faults);
	o->pages = atomic_load(&t->pages);
	o->blocked_ns = atomic_load(&t->blocked_ns);
	o->busy_ns = atomic_load(&t->busy_ns);
}

PAGER_API int uffd_pager_threads(struct uffd_pager *p,
				 struct uffd_pager_thread *out, int max)
{
	int n = 0, i;

	for (i = 0; i < p->nworkers; i++, n++)
		if (n < max)
			copy_thread(&out[n], &p->workers[i].st);
	if (p->prefetch_started) {
		if (n < max)
			copy_thread(&out[n], &p->prefetcher.st);
		n++;
	}
	for (i = 0; i < PAGER_MAX_THREADS; i++) {
		if (!atomic_load(&p->threads[i].tid))
			continue;
		if (n < max) {
			copy_thread(&out[n], &p->threads[i]);
			out[n].kind = UFFD_THREAD_FAULTING;
		}
		n++;
	}
	return n;
}

static const char *kind_name(enum uffd_pager_thread_kind k)
{
	return k == UFFD_THREAD_FAULTING ? "faulting" :
	       k == UFFD_THREAD_WORKER ? "worker" : "prefetch";
}

PAGER_API void uffd_pager_print_stats(struct uffd_pager *p, FILE *f)
{
	struct uffd_pager_thread th[32];
	struct uffd_pager_stats s;
	uint64_t maxb = 0;
	int i, n, last = -1;

	uffd_pager_stats(p, -1, &s);
	fprintf(f, "pager (%s engine, %s store, %d worker%s, %d queue%s)\n",
		uffd_pager_engine(p), uffd_store_name(p->store), p->nworkers,
		p->nworkers == 1 ? "" : "s", p->nq, p->nq == 1 ? "" : "s");
	fprintf(f, "  pages present    %llu of %llu\n",
		(unsigned long long)s.present, (unsigned long long)s.pages);
	fprintf(f, "  faults           %llu (%llu joined a prefetch, %llu spurious)\n",
		(unsigned long long)s.faults, (unsigned long long)s.joined,
		(unsigned long long)s.spurious);
	fprintf(f, "  demand pages     %llu\n", (unsigned long long)s.demand_pages);
	fprintf(f, "  prefetched pages %llu\n", (unsigned long long)s.prefetch_pages);
	fprintf(f, "  zero pages       %llu (UFFDIO_ZEROPAGE, nothing copied)\n",
		(unsigned long long)s.zero_pages);
	fprintf(f, "  bytes copied     %.1f MiB\n", (double)s.bytes / 1048576.0);
	if (s.store_errors || s.lost_pages)
		fprintf(f, "  store errors     %llu, pages lost %llu (%llu SIGBUS)\n",
			(unsigned long long)s.store_errors,
			(unsigned long long)s.lost_pages,
			(unsigned long long)s.sigbus);
	if (s.faults) {
		fprintf(f, "  fault service    mean %.1f us, max %.1f us\n",
			(double)s.lat_total_ns / 1e3 / (double)s.faults,
			(double)s.lat_max_ns / 1e3);
		for (i = 0; i < UFFD_PAGER_HIST; i++) {
			if (s.lat_hist[i] > maxb)
				maxb = s.lat_hist[i];
			if (s.lat_hist[i])
				last = i;
		}
		for (i = 0; i <= last; i++) {
			char lo[32];
			int bar = (int)(s.lat_hist[i] * 40 / (maxb ? maxb : 1));

			if (i == 0)
				snprintf(lo, sizeof(lo), "<1 us");
			else
				snprintf(lo, sizeof(lo), "<%llu us", 1ULL << i);
			fprintf(f, "    %10s %8llu %.*s\n", lo,
				(unsigned long long)s.lat_hist[i], bar,
				"########################################");
		}
	}
	if (s.first_fault_ns)
		fprintf(f, "  first fault      %.3f ms after start\n",
			(double)s.first_fault_ns / 1e6);
	if (s.complete_ns)
		fprintf(f, "  complete         %.3f ms after start\n",
			(double)s.complete_ns / 1e6);
	n = uffd_pager_threads(p, th, 32);
	fprintf(f, "  threads          %-9s %8s %8s %8s %11s %10s\n", "kind", "tid",
		"faults", "pages", "blocked ms", "busy ms");
	for (i = 0; i < n && i < 32; i++)
		fprintf(f, "                   %-9s %8d %8llu %8llu %11.3f %10.3f\n",
			kind_name(th[i].kind), (int)th[i].tid,
			(unsigned long long)th[i].faults,
			(unsigned long long)th[i].pages,
			(double)th[i].blocked_ns / 1e6, (double)th[i].busy_ns / 1e6);
	fprintf(f, "  (faulting: blocked = time in faults; worker/prefetch: "
		"blocked = time waiting for the store)\n");
}
