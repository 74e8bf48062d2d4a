/* SPDX-License-Identifier: MIT */
/*
 * PAGEMAP_SCAN (the ioctl of /proc/PID/pagemap, Linux 6.7) as the kernel
 * would answer it for emulated registrations.
 *
 * The kernel walks the range VMA by VMA and page by page, gives each page
 * its categories (PAGE_IS_*), keeps the pages the masks select, merges
 * neighbours with equal categories (after return_mask) into struct
 * page_region entries, stops when the vector is full or max_pages are
 * reported (walk_end: where it stopped), and with PM_SCAN_WP_MATCHING
 * write-protects the selected pages that are written -- in VMAs whose uffd
 * has UFFD_FEATURE_WP_ASYNC (PAGE_IS_WPALLOWED); other VMAs are skipped
 * with WP_MATCHING and refused (EPERM) with PM_SCAN_CHECK_WPASYNC.
 *
 * Here the range is cut into runs of pages that are, or are not, emulated
 * registrations.  The others go to the kernel itself, with the caller's
 * arguments clipped to the run and its output merged into ours, so its
 * answer -- side effects included -- is the kernel's.  For emulated pages
 * the kernel is asked for the raw categories of our own page tables (no
 * flags, nothing selected away), and each page's are corrected from its
 * page-state word as pagemap_entry_fix() corrects pagemap entries: a
 * write-protected page is not PAGE_IS_WRITTEN, our guard marker is the
 * kernel's uffd-wp or poison marker (PAGE_IS_SWAPPED) or nothing (a
 * never-populated page reads as written), PAGE_IS_WPALLOWED follows the
 * registration; then the kernel's selection, output and write-protection
 * rules are applied here, the protection through the engine (wp.c).
 *
 * Not exact: a page the kernel would have reported next to a run boundary
 * may be write-protected by the kernel part when the vector is exactly full
 * there (the kernel part cannot be asked to stop before its first page).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include "emu/emu.h"
#include "base/sys.h"

#define PM_SCAN_CATS	(PAGE_IS_WPALLOWED | PAGE_IS_WRITTEN | PAGE_IS_FILE | \
			 PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | \
			 PAGE_IS_HUGE | PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD)
#define PM_SCAN_FLAGS	(PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC)
#define TMP_REGIONS	64
#define PMD_BLOCK	(2UL << 20)	/* what one page table covers */

struct scan {
	struct pm_scan_arg a;		/* the caller's, end aligned */
	int fd;
	bool out;			/* a vector to fill (vec_len != 0) */
	struct page_region cur;		/* the region being grown, not yet copied */
	bool have;
	uint64_t written;		/* regions copied to the vector */
	uint64_t found;			/* pages reported */
	bool stop;			/* full: walk_end says where */
	int err;
	uintptr_t wp_s, wp_e;		/* pages to write-protect, pending */
	uintptr_t blk;			/* block_has_table()'s last answer */
	bool blk_known, blk_table;
};

/* ---- output (the kernel's pagemap_scan_output and push_range) ------------- */

static bool push(struct scan *s, uint64_t cat, uint64_t start, uint64_t end)
{
	if (s->have && start == s->cur.end && cat == s->cur.categories) {
		s->cur.end = end;
		return true;
	}
	if (s->have) {
		if (s->written + 1 >= s->a.vec_len)
			return false;
		if (safe_write((char *)(uintptr_t)s->a.vec +
			       s->written * sizeof(s->cur), &s->cur, sizeof(s->cur))) {
			s->err = -EFAULT;
			return false;
		}
		s->written++;
	}
	s->cur.start = start;
	s->cur.end = end;
	s->cur.categories = cat;
	s->have = true;
	return true;
}

/* Report [addr, *end) as @cat; false (and *end cut) when the output is full. */
static bool output(struct scan *s, uint64_t cat, uint64_t addr, uint64_t *end)
{
	uint64_t n = (*end - addr) / EMU_PAGE_SIZE;
	bool full = false;

	if (!s->out)
		return true;
	if (n > s->a.max_pages - s->found) {
		n = s->a.max_pages - s->found;
		*end = addr + n * EMU_PAGE_SIZE;
		full = true;
	}
	if (n && !push(s, cat & s->a.return_mask, addr, *end)) {
		*end = addr;
		n = 0;
		full = true;
	}
	s->found += n;
	if (full) {
		s->stop = true;
		s->a.walk_end = *end;
	}
	return !full;
}

static bool interesting(const struct scan *s, uint64_t cat)
{
	cat ^= s->a.category_inverted;
	if ((cat & s->a.category_mask) != s->a.category_mask)
		return false;
	return !s->a.category_anyof_mask || (cat & s->a.category_anyof_mask);
}

/* ---- write protection, a run at a time ------------------------------------- */

static void wp_flush(struct scan *s)
{
	if (s->wp_e > s->wp_s) {
		int err = wp_protect_range(s->wp_s, s->wp_e);

		if (err && !s->err)
			s->err = err;
	}
	s->wp_s = s->wp_e = 0;
}

static void wp_page(struct scan *s, uintptr_t a)
{
	if (s->wp_e != a)
		wp_flush(s);
	if (s->wp_e == s->wp_s)
		s->wp_s = a;
	s->wp_e = a + EMU_PAGE_SIZE;
}

/* ---- emulated pages -------------------------------------------------------- */

static bool emulated(uintptr_t a)
{
	pageword_t *pw = pt_word(a);

	return pw && PS_CTX(atomic_load_explicit(pw, memory_order_acquire));
}

/* First page of [a, end) that is (@want) or is not an emulated page. */
static uintptr_t next_run(uintptr_t a, uintptr_t end, bool want)
{
	while (a < end) {
		if (!pt_word(a)) {
			if (want) {
				a = pt_next_leaf(a);
				if (!a)
					break;
				continue;
			}
			return a;
		}
		if (emulated(a) == want)
			return a;
		a += EMU_PAGE_SIZE;
	}
	return end;
}

/* Our guard marker standing for the kernel's pte_none? */
static bool none_marker(uint64_t pm, uint32_t w)
{
	return PS_CTX(w) && (pm & PM_GUARD) && (w & PS_MISSING) &&
	       !(w & (PS_WP | PS_POISON));
}

/*
 * Would the kernel have a page table over the 2 MiB block of @a?  Taken
 * as yes when a registered page of the block is populated or marked -- not
 * counting our stand-ins for pte_none, nor pages outside registrations
 * (the engine's own allocations land next to them).  The kernel answers
 * pte_none in a page table as written, and a hole without one as not,
 * outside uffd-wp VMAs.
 */
static bool block_has_table(struct scan *s, uintptr_t a)
{
	uintptr_t b = a & ~(PMD_BLOCK - 1), q;
	uint64_t pm[PMD_BLOCK / EMU_PAGE_SIZE];
	size_t i;

	if (s->blk_known && s->blk == b)
		return s->blk_table;
	s->blk = b;
	s->blk_known = true;
	s->blk_table = true;
	if (pagemap_read(b, PMD_BLOCK / EMU_PAGE_SIZE, pm))
		return true;
	s->blk_table = false;
	for (i = 0, q = b; i < PMD_BLOCK / EMU_PAGE_SIZE; i++, q += EMU_PAGE_SIZE) {
		pageword_t *pw;

		if (!(pm[i] & (PM_PRESENT | PM_SWAP)))
			continue;
		pw = pt_word(q);
		if (!pw || !PS_CTX(atomic_load(pw)) || none_marker(pm[i], atomic_load(pw)))
			continue;
		s->blk_table = true;
		break;
	}
	return s->blk_table;
}

/*
 * The categories the kernel would give the page at @a, from our page's
 * raw @r; *@hole: no page table would cover it.
 */
static uint64_t page_categories(struct scan *s, uintptr_t a, uint64_t r,
				uint32_t w, bool *hole)
{
	uint64_t sd = r & PAGE_IS_SOFT_DIRTY, cat;
	bool wp_vma = PS_MODE(w) & UFFDIO_REGISTER_MODE_WP;

	*hole = false;
	if (w & PS_HUGE) {
		/*
		 * hugetlb: a marker (PROT_NONE here) is swapped and not
		 * written; an empty huge page is not written either.
		 */
		if (r & (PAGE_IS_PRESENT | PAGE_IS_SWAPPED))
			return (w & PS_WP) ? r & ~(uint64_t)(PAGE_IS_WRITTEN |
							    PAGE_IS_WPALLOWED)
					   : r & ~(uint64_t)PAGE_IS_WPALLOWED;
		if ((w & (PS_MISSING | PS_WP)) == (PS_MISSING | PS_WP))
			return (r & (PAGE_IS_HUGE | PAGE_IS_SOFT_DIRTY)) | PAGE_IS_SWAPPED;
		return r & (PAGE_IS_HUGE | PAGE_IS_SOFT_DIRTY);
	}
	if ((r & PAGE_IS_GUARD) && (w & PS_MISSING)) {
		if (w & PS_POISON)
			return PAGE_IS_SWAPPED | PAGE_IS_WRITTEN | sd;
		if (w & PS_WP)
			return PAGE_IS_SWAPPED | sd;
		/* pte_none: written, unless a hole outside a uffd-wp VMA. */
		*hole = !block_has_table(s, a);
		return (*hole && !wp_vma) ? sd : (PAGE_IS_WRITTEN | sd);
	}
	cat = r & ~(uint64_t)PAGE_IS_WPALLOWED;
	if (r & (PAGE_IS_PRESENT | PAGE_IS_SWAPPED)) {
		if (w & PS_WP)
			cat &= ~(uint64_t)PAGE_IS_WRITTEN;
		return cat;
	}
	/* Zapped behind our back: the kernel would keep a uffd-wp marker. */
	if ((w & (PS_WP | PS_MISSING | PS_FILE)) == (PS_WP | PS_FILE))
		return PAGE_IS_SWAPPED | sd;
	/* Unpopulated: in a uffd-wp VMA written even without a page table. */
	*hole = !(r & PAGE_IS_WRITTEN);
	if (wp_vma)
		cat |= PAGE_IS_WRITTEN;
	return cat;
}

/* The kernel's pagemap_scan_test_walk() for the registration of @w. */
static int vma_test(struct scan *s, uint32_t w, uint64_t *vma_cat)
{
	struct emu_ctx *ctx = ctx_get(PS_CTX(w));
	bool wp_async = (PS_MODE(w) & UFFDIO_REGISTER_MODE_WP) && ctx && ctx->sh &&
			(ctx_features(ctx) & UFFD_FEATURE_WP_ASYNC);
	uint64_t required = s->a.category_mask & PAGE_IS_WPALLOWED;

	if (!wp_async) {
		if (s->a.flags & PM_SCAN_CHECK_WPASYNC)
			return -EPERM;
		if (s->a.flags & PM_SCAN_WP_MATCHING)
			return 1;		/* skipped */
	}
	*vma_cat = wp_async ? PAGE_IS_WPALLOWED : 0;
	return ((*vma_cat ^ s->a.category_inverted) & required) == required ? 0 : 1;
}

/*
 * One page of an emulated run, @hole when no page table covers it; false
 * when the walk stops.
 */
static bool scan_page(struct scan *s, uintptr_t a, uint64_t cat, uint32_t w,
		      bool hole)
{
	uint64_t next = a + EMU_PAGE_SIZE;
	bool wp = s->a.flags & PM_SCAN_WP_MATCHING;

	if (wp && !s->out) {
		/*
		 * No output: every page of a page table not yet protected is
		 * protected; a hole only when selected; a huge page only
		 * when selected and written.
		 */
		if ((w & PS_HUGE) ? interesting(s, cat) && (cat & PAGE_IS_WRITTEN)
				  : !(w & PS_WP) && (!hole || interesting(s, cat)))
			wp_page(s, a);
		return true;
	}
	if (!interesting(s, cat))
		return true;
	if (!output(s, cat, a, &next) && next == a)
		return false;
	if (wp && (cat & PAGE_IS_WRITTEN))
		wp_page(s, a);
	return !s->stop;
}

/* The raw categories of our own pages in [a, b), a vector at a time. */
static void scan_emulated(struct scan *s, uintptr_t a, uintptr_t b)
{
	struct page_region raw[TMP_REGIONS];
	uint32_t vma = 0;
	uint64_t vma_cat = 0;
	int skip = 1;
	bool first = true;

	while (a < b && !s->stop && !s->err) {
		struct pm_scan_arg k = {
			.size = sizeof(k), .start = a, .end = b,
			.vec = (uintptr_t)raw, .vec_len = TMP_REGIONS,
			.return_mask = PM_SCAN_CATS,
		};
		long n = sys_ioctl(s->fd, PAGEMAP_SCAN, &k), i;

		if (n < 0) {
			s->err = -errno;
			break;
		}
		for (i = 0; i < n && !s->stop && !s->err; i++) {
			uintptr_t p;

			for (p = raw[i].start; p < raw[i].end; p += EMU_PAGE_SIZE) {
				pageword_t *pw = pt_word(p);
				uint64_t r;
				bool hole;
				uint32_t w = pw ? atomic_load(pw) : 0;

				if (!PS_CTX(w))
					continue;	/* unregistered meanwhile */
				if (first || ((w ^ vma) & PS_VMA_MASK)) {
					first = false;
					vma = w;
					skip = vma_test(s, w, &vma_cat);
					if (skip < 0) {
						s->err = skip;
						break;
					}
				}
				if (skip)
					continue;
				r = page_categories(s, p, raw[i].categories, w, &hole);
				if (!scan_page(s, p, vma_cat | r, w, hole))
					break;
			}
		}
		a = k.walk_end > a ? k.walk_end : b;
		if (n < TMP_REGIONS)
			break;
	}
	wp_flush(s);
}

/* ---- everything else: the kernel's own walk, clipped ------------------------ */

static void scan_kernel(struct scan *s, uintptr_t a, uintptr_t b)
{
	struct page_region tmp[TMP_REGIONS];

	while (a < b && !s->stop && !s->err) {
		struct pm_scan_arg k = s->a;
		uint64_t slots = 0, i;
		long n;

		k.start = a;
		k.end = b;
		k.walk_end = 0;
		if (s->out) {
			slots = s->a.vec_len - s->written - (s->have ? 1 : 0);
			/* The kernel part cannot be asked to stop at once. */
			k.vec_len = slots ? (slots < TMP_REGIONS ? slots : TMP_REGIONS) : 1;
			k.vec = (uintptr_t)tmp;
			k.max_pages = s->a.max_pages - s->found;
			if (!k.max_pages)
				k.max_pages = 1;
		} else {
			k.vec = 0;
			k.vec_len = 0;
		}
		n = sys_ioctl(s->fd, PAGEMAP_SCAN, &k);
		if (n < 0) {
			s->err = -errno;
			return;
		}
		for (i = 0; i < (uint64_t)n; i++) {
			uint64_t e = tmp[i].end;

			if (!output(s, tmp[i].categories, tmp[i].start, &e))
				return;
		}
		if (!k.walk_end || k.walk_end >= b)
			return;
		/* It stopped early: out of room in its vector, or of pages. */
		if (s->found >= s->a.max_pages || s->written + 1 >= s->a.vec_len) {
			s->stop = true;
			s->a.walk_end = k.walk_end;
			return;
		}
		a = k.walk_end;
	}
}

/* ---- the ioctl --------------------------------------------------------------- */

/* Arguments the kernel accepts; anything else is left to it (exact errno). */
static bool valid(const struct pm_scan_arg *a)
{
	uint64_t end = a->end;

	if (a->size != sizeof(*a) || (a->flags & ~(uint64_t)PM_SCAN_FLAGS) ||
	    ((a->category_inverted | a->category_mask | a->category_anyof_mask |
	      a->return_mask) & ~(uint64_t)PM_SCAN_CATS) ||
	    (a->start & ~EMU_PAGE_MASK) || end < a->start || end > UFFD_TASK_SIZE)
		return false;
	if (!a->vec && a->vec_len)
		return false;
	if (a->vec && (a->vec_len > UFFD_TASK_SIZE / sizeof(struct page_region) ||
		       a->vec > UFFD_TASK_SIZE ||
		       a->vec_len * sizeof(struct page_region) > UFFD_TASK_SIZE - a->vec))
		return false;
	return true;
}

long emu_pagemap_scan(int fd, void *arg)
{
	struct scan s;
	uintptr_t a, end;
	long r;

	memset(&s, 0, sizeof(s));
	if (!atomic_load_explicit(&pt_any, memory_order_relaxed) ||
	    safe_read(&s.a, arg, sizeof(s.a)) || !valid(&s.a))
		return sys_ioctl(fd, PAGEMAP_SCAN, arg);
	end = (s.a.end + EMU_PAGE_SIZE - 1) & EMU_PAGE_MASK;
	if (next_run(s.a.start, end, true) >= end || !pagemap_fd_check(fd))
		return sys_ioctl(fd, PAGEMAP_SCAN, arg);

	s.fd = fd;
	s.a.end = end;
	s.a.walk_end = 0;
	if (!s.a.max_pages)
		s.a.max_pages = UINT64_MAX;
	s.out = s.a.vec_len != 0;
	for (a = s.a.start; a < end && !s.stop && !s.err; ) {
		bool emu = emulated(a);
		uintptr_t b = next_run(a, end, !emu);

		if (emu)
			scan_emulated(&s, a, b);
		else
			scan_kernel(&s, a, b);
		a = b;
	}
	/* The last region goes out too, error or not (the kernel's final flush). */
	if (s.have) {
		if (safe_write((char *)(uintptr_t)s.a.vec + s.written * sizeof(s.cur),
			       &s.cur, sizeof(s.cur)))
			s.err = s.err ? s.err : -EFAULT;
		else
			s.written++;
	}
	r = s.err ? s.err : (long)s.written;
	if (!s.a.walk_end)
		s.a.walk_end = end;
	if (safe_write(ARG_FIELD(arg, struct pm_scan_arg, walk_end), &s.a.walk_end,
		       sizeof(s.a.walk_end)))
		r = -EFAULT;
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
