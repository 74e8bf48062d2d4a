/* SPDX-License-Identifier: MIT */
/*
 * Putting pages in: UFFDIO_COPY for data, UFFDIO_ZEROPAGE for zero pages
 * (no copy at all: the shared zero page is mapped), UFFDIO_WAKE for
 * messages about pages that are already there.
 *
 * The corner cases, the kernel's and the emulated engine's alike:
 *  - EAGAIN with a partial count: part of the range went in and the
 *    mapping was changing; carry on after what was done.
 *  - EEXIST: the first page of the range is already present (a spurious
 *    or late message, or memory the application filled itself); its
 *    waiters still need a WAKE, then carry on after it.
 * Installs use DONTWAKE; the caller wakes the range with pager_wake()
 * once it has marked the pages present and counted them, so that a thread
 * that resumes never sees statistics behind its own fault.  Every install
 * is followed by a wake of its whole range, which is what lets a fault on
 * a page being prefetched be answered by the prefetcher's COPY.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include "pager/pager.h"

int pager_wake(struct uffd_pager *p, struct pager_region *r, size_t page, size_t n)
{
	while (n) {
		size_t m = pager_stripe_left(p, r, page);
		struct uffdio_range rg;

		if (m > n)
			m = n;
		rg.start = (uintptr_t)r->base + page * r->ps;
		rg.len = m * r->ps;
		if (uffd_ioctl(pager_fd(p, r, page), UFFDIO_WAKE, &rg))
			return -errno;
		page += m;
		n -= m;
	}
	return 0;
}

/* One ioctl's worth: @n pages of one kind, inside one stripe.  Huge
 * pages have no UFFDIO_ZEROPAGE: zero ones are copied from p->zeros. */
static int put_run(struct uffd_pager *p, struct pager_region *r, size_t page,
		   size_t n, const char *src, bool zero)
{
	int fd = pager_fd(p, r, page);
	size_t off = 0, ps = r->ps;

	if (zero && r->k > 1) {
		size_t i;
		int rc;

		for (i = 0; i < n; i++) {
			rc = put_run(p, r, page + i, 1, p->zeros, false);
			if (rc)
				return rc;
		}
		atomic_fetch_add(&r->c.zero, n);
		return 0;
	}
	while (off < n) {
		uint64_t dst = (uintptr_t)r->base + (page + off) * ps;
		int64_t done;
		int rc;

		if (zero) {
			struct uffdio_zeropage z = {
				.range = { dst, (n - off) * ps },
				.mode = UFFDIO_ZEROPAGE_MODE_DONTWAKE };

			rc = uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z);
			done = z.zeropage;
		} else {
			struct uffdio_copy c = {
				.dst = dst, .src = (uintptr_t)(src + off * ps),
				.len = (n - off) * ps,
				.mode = UFFDIO_COPY_MODE_DONTWAKE };

			rc = uffd_ioctl(fd, UFFDIO_COPY, &c);
			done = c.copy;
		}
		if (rc == 0) {
			if (zero)
				atomic_fetch_add(&r->c.zero, n - off);
			else
				atomic_fetch_add(&r->c.bytes, (n - off) * ps);
			return 0;
		}
		rc = errno;
		if (done > 0) {
			if (zero)
				atomic_fetch_add(&r->c.zero, (uint64_t)done / ps);
			else
				atomic_fetch_add(&r->c.bytes, (uint64_t)done);
			off += (size_t)done / ps;
		}
		if (rc == EAGAIN) {
			if (done <= 0)
				sched_yield();
			continue;
		}
		if (rc == EEXIST) {
			pager_wake(p, r, page + off, 1);
			off++;
			continue;
		}
		uffd_pager_diagnose("pager: %s at %#llx: %s",
				    zero ? "UFFDIO_ZEROPAGE" : "UFFDIO_COPY",
				    (unsigned long long)dst, strerror(rc));
		return -rc;
	}
	return 0;
}

int pager_install(struct uffd_pager *p, struct pager_region *r, size_t page,
		  size_t n, const void *buf, const uint8_t *kind)
{
	const char *b = buf;
	size_t i = 0, j;
	int rc;

	while (i < n) {
		size_t left = pager_stripe_left(p, r, page + i);

		for (j = i + 1; j < n && j - i < left && kind[j] == kind[i]; j++)
			;
		rc = put_run(p, r, page + i, j - i, b + i * r->ps,
			     kind[i] == UFFD_PAGE_ZERO);
		if (rc)
			return rc;
		i = j;
	}
	return 0;
}

/*
 * A message for a page we installed: either late (the install already
 * woke the thread, or will) or the application discarded the page since
 * (MADV_DONTNEED), which makes it missing again.  UFFDIO_ZEROPAGE tells
 * which: EEXIST means present -- WAKE; success means it was discarded, and
 * a discarded anonymous page reads as zeros, which is what it now is.
 */
void pager_resolve_present(struct uffd_pager *p, struct pager_region *r,
			   size_t page)
{
	struct uffdio_zeropage z = {
		.range = { (uintptr_t)r->base + page * r->ps, r->ps } };
	struct uffdio_copy c = {
		.dst = z.range.start, .src = (uintptr_t)p->zeros, .len = r->ps };
	bool huge = r->k > 1;	/* hugetlb: no ZEROPAGE, a COPY of zeros */

	while (huge ? uffd_ioctl(pager_fd(p, r, page), UFFDIO_COPY, &c) :
		      uffd_ioctl(pager_fd(p, r, page), UFFDIO_ZEROPAGE, &z)) {
		if (errno == EAGAIN)
			continue;
		if (errno == EEXIST)
			pager_wake(p, r, page, 1);
		break;
	}
	atomic_fetch_add(&r->c.spurious, 1);
}
