/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the pagemap tests (t_pagemap_*.c, t_wp_async_*.c):
 * /proc/self/pagemap entries and PAGEMAP_SCAN, as a program sees them.
 *
 * The entry bits are the kernel's (UFFD_PM_* in uffd.h); the tests compare
 * flag bits only, never frame numbers.
 * PAGEMAP_SCAN goes through uffd_ioctl(), as a linked program issues it.
 */
#ifndef UFFD_TEST_PAGEMAP_UTIL_H
#define UFFD_TEST_PAGEMAP_UTIL_H

#include "harness.h"
#include <sys/ioctl.h>
#include <sys/uio.h>

/* The flag bits a test compares (soft-dirty depends on the kernel's config). */
#define PM_FLAGS	(UFFD_PM_PRESENT | UFFD_PM_SWAP | UFFD_PM_FILE | UFFD_PM_GUARD | \
			 UFFD_PM_UFFD_WP)

#define PM_ALL_CATS	(PAGE_IS_WPALLOWED | PAGE_IS_WRITTEN | PAGE_IS_FILE | \
			 PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | \
			 PAGE_IS_HUGE | PAGE_IS_GUARD)

static inline int pm_open(void)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	CHECK_MSG(fd >= 0, "open /proc/self/pagemap: %s", t_errname(errno));
	return fd;
}

/* The flag bits of @p's entry, read with pread(). */
static inline uint64_t pm_flags(int fd, const void *p)
{
	uint64_t e = 0;

	CHECK_EQ(pread(fd, &e, sizeof(e), (off_t)((uintptr_t)p / (uintptr_t)t_page * 8)),
		 sizeof(e));
	return e & PM_FLAGS;
}

/* A shared memfd mapping of @npages pages (shmem). */
static inline char *pm_map_shmem(size_t npages)
{
	int m = memfd_create("pagemap-test", MFD_CLOEXEC);
	char *p;

	CHECK(m >= 0);
	CHECK_OK(ftruncate(m, (off_t)(npages * (size_t)t_page)));
	p = mmap(NULL, npages * (size_t)t_page, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
	CHECK(p != MAP_FAILED);
	close(m);
	return p;
}

static inline void pm_wp(int uffd, void *p, size_t npages, int on)
{
	struct uffdio_writeprotect wp = {
		{ (uintptr_t)p, npages * (uint64_t)t_page },
		on ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	CHECK_OK(uffd_ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
}

/* PAGEMAP_SCAN with the given selection; returns what the ioctl returns. */
struct pm_scan {
	uint64_t flags, mask, anyof, inverted, ret, max_pages;
	uint64_t walk_end;		/* out */
};

static inline long pm_scan(int fd, const void *start, size_t npages,
			   struct page_region *vec, size_t n, struct pm_scan *q)
{
	struct pm_scan_arg a = {
		.size = sizeof(a), .flags = q->flags, .start = (uintptr_t)start,
		.end = (uintptr_t)start + npages * (size_t)t_page,
		.vec = (uintptr_t)vec, .vec_len = n, .max_pages = q->max_pages,
		.category_inverted = q->inverted, .category_mask = q->mask,
		.category_anyof_mask = q->anyof, .return_mask = q->ret,
	};
	long r = uffd_ioctl(fd, PAGEMAP_SCAN, &a);

	q->walk_end = a.walk_end;
	return r;
}

/* Every category of one page (0: not reported). */
static inline uint64_t pm_cats(int fd, const void *p)
{
	struct page_region r;
	struct pm_scan q = { .ret = PM_ALL_CATS };
	long n = pm_scan(fd, p, 1, &r, 1, &q);

	CHECK_MSG(n >= 0, "PAGEMAP_SCAN: %s", t_errname(errno));
	return n ? r.categories : 0;
}

/* Skip where the kernel has no PAGEMAP_SCAN (before 6.7). */
static inline void pm_require_scan(int fd)
{
	struct pm_scan_arg a = { .size = sizeof(a) };

	if (ioctl(fd, PAGEMAP_SCAN, &a) < 0 && errno == ENOTTY)
		t_skip("PAGEMAP_SCAN not supported by this kernel");
}

/*
 * The start of a WP_ASYNC scan test: *@pm a pagemap descriptor (skips
 * without PAGEMAP_SCAN or WP_ASYNC), *@p @npages anonymous pages; returns
 * a uffd with UFFD_FEATURE_WP_ASYNC.
 */
static inline int pm_async_setup(int *pm, char **p, size_t npages)
{
	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_ASYNC);
	*pm = pm_open();
	pm_require_scan(*pm);
	*p = t_map(npages);
	return t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_ASYNC);
}

#endif
