/* SPDX-License-Identifier: MIT */
/*
 * A pager for a userfaultfd that another process created: the model of
 * Firecracker-style VMMs (docs/pager.md, "Firecracker").  The VMM maps its
 * guest memory, creates a uffd, registers the regions and hands the
 * descriptor over a UNIX socket; the pager then serves the faults of the
 * VMM's memory from a store, each region from its own offset.
 *
 * What differs from a pager of one's own memory:
 *  - no UFFDIO_API and no UFFDIO_REGISTER: the owner did both;
 *  - one queue (the owner's uffd); the owner's features decide which
 *    events arrive: UFFD_EVENT_REMOVE (a balloon's MADV_DONTNEED) and
 *    UNMAP make their pages read as zeros, never fetched again;
 *  - regions may have huge pages (hugetlb guest memory): a page is then
 *    a batch of store pages of its own, and zero pages are copied;
 *  - SIGBUS goes to the owner's faulting thread (its thread id when the
 *    owner asked for UFFD_FEATURE_THREAD_ID, else the owner);
 *  - the owner's exit (a pidfd) ends the service: the threads stop and
 *    uffd_pager_wait_owner() returns; closing leaves the regions
 *    registered, so that a live owner's faults never turn into silent
 *    zero pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "pager/pager.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

void pager_discarded(struct uffd_pager *p, uint64_t start, uint64_t end)
{
	int i, n = atomic_load(&p->nregions);

	for (i = 0; i < n; i++) {
		struct pager_region *r = p->regions[i];
		uint64_t base = (uintptr_t)r->base, top = base + r->npages * r->ps;
		size_t page, last;

		if (end <= base || start >= top)
			continue;
		page = (size_t)(((start > base ? start : base) - base) / r->ps);
		last = (size_t)(((end < top ? end : top) - base + r->ps - 1) / r->ps);
		/* Missing (or given-up) pages need nothing more: they read
		 * as zeros now.  Present ones fault again later and
		 * pager_resolve_present() finds them empty. */
		for (; page < last; page++)
			if (pager_claim_fault(r, page))
				pager_mark_present(p, r, page, 1, false);
	}
}

void pager_owner_exited(struct uffd_pager *p)
{
	atomic_store(&p->owner_gone, true);
	pager_signal_stop(p);
}

static int check_region(struct uffd_pager *p, const struct uffd_pager_region *g,
			size_t i)
{
	size_t ps = g->page_size ? (size_t)g->page_size : p->ps;
	uint64_t bytes = p->store->npages * p->ps;

	if (ps % p->ps || (ps & (ps - 1)))
		return pager_fail(EINVAL, "pager: region %zu: a page size of %zu "
				  "bytes", i, ps);
	if (!g->len || g->addr % ps || g->len % ps)
		return pager_fail(EINVAL, "pager: region %zu (%#llx, %llu bytes) is "
				  "not aligned to its %zu-byte pages", i,
				  (unsigned long long)g->addr,
				  (unsigned long long)g->len, ps);
	if (g->offset % p->ps)
		return pager_fail(EINVAL, "pager: region %zu: offset %llu is not a "
				  "multiple of %zu", i,
				  (unsigned long long)g->offset, p->ps);
	if (g->offset > bytes || g->len > bytes - g->offset)
		return pager_fail(ERANGE, "pager: region %zu: bytes %llu..%llu are "
				  "beyond the store's %llu", i,
				  (unsigned long long)g->offset,
				  (unsigned long long)(g->offset + g->len),
				  (unsigned long long)bytes);
	if (ps > p->ps) {
		const char *e = uffd_engine(p->fds[0]);

		if (e && !strcmp(e, "emulated"))
			return pager_fail(ENOTSUP, "pager: region %zu has %zu-byte "
					  "pages: the emulated engine cannot serve "
					  "hugetlb memory yet", i, ps);
		if (ps / p->ps > p->buf_pages)
			p->buf_pages = ps / p->ps;
		if (ps > p->zeros_len)
			p->zeros_len = ps;
	}
	return 0;
}

PAGER_API struct uffd_pager *uffd_pager_adopt(int uffd, pid_t owner,
		const struct uffd_pager_region *regions, size_t n,
		struct uffd_store *store, const struct uffd_pager_config *cfg)
{
	struct uffd_pager *p = pager_alloc(store, cfg);
	size_t i;
	int fl, e;

	if (!p) {
		e = errno;
		close(uffd);
		errno = e;
		return NULL;
	}
	p->fds[0] = uffd;
	p->nq = 1;
	p->adopted = true;
	p->have_tid = true;	/* ptid when the owner asked for it, else 0 */
	p->pid = owner > 0 ? owner : 0;
	if (!uffd_engine(uffd)) {
		pager_fail(EBADF, "pager: descriptor %d is not a userfaultfd", uffd);
		goto fail;
	}
	if (!n || n > PAGER_MAX_REGIONS) {
		pager_fail(EINVAL, "pager: %zu regions (1 to %d)", n, PAGER_MAX_REGIONS);
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (check_region(p, &regions[i], i))
			goto fail;
	/* Workers drain the queue until EAGAIN. */
	fl = fcntl(uffd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(uffd, F_SETFL, fl | O_NONBLOCK);
	if (p->zeros_len) {
		void *z = mmap(NULL, p->zeros_len, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (z == MAP_FAILED) {
			pager_fail(errno, "pager: mmap: %s", strerror(errno));
			goto fail;
		}
		p->zeros = z;
	}
	if (owner > 0) {
		p->pidfd = (int)syscall(SYS_pidfd_open, owner, 0);
		if (p->pidfd < 0) {
			pager_fail(errno, "pager: pidfd_open(%d): %s", (int)owner,
				   strerror(errno));
			goto fail;
		}
	}
	for (i = 0; i < n; i++) {
		size_t ps = regions[i].page_size ? (size_t)regions[i].page_size : p->ps;

		if (pager_add_region(p, (void *)(uintptr_t)regions[i].addr,
				     (size_t)(regions[i].len / ps), ps,
				     regions[i].offset / p->ps, false) < 0)
			goto fail;
	}
	if (pager_start(p) == 0)
		return p;
fail:
	e = errno;
	pager_destroy(p);
	errno = e;
	return NULL;
}

PAGER_API int uffd_pager_wait_owner(struct uffd_pager *p, int timeout_ms)
{
	struct timespec ts;
	int r = 0;

	pager_diag_clear();
	if (p->pidfd < 0)
		return pager_fail(EINVAL, "pager: no owner process to wait for");
	if (timeout_ms >= 0)
		pager_deadline(&ts, timeout_ms);
	pthread_mutex_lock(&p->lock);
	while (!atomic_load(&p->owner_gone) && r == 0) {
		if (timeout_ms < 0)
			pthread_cond_wait(&p->cond, &p->lock);
		else
			r = pthread_cond_timedwait(&p->cond, &p->lock, &ts);
	}
	pthread_mutex_unlock(&p->lock);
	if (!atomic_load(&p->owner_gone))
		return pager_fail(ETIMEDOUT, "pager: process %d still runs", (int)p->pid);
	return 0;
}
