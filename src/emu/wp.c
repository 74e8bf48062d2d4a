/* SPDX-License-Identifier: MIT */
/*
 * UFFDIO_WRITEPROTECT of the emulated engine (spec section 8).
 *
 * A write-protected present page is made read-only with real_mprotect(); a write
 * to it faults with SEGV_ACCERR and becomes a WP message (flags WP|WRITE).
 * Reads proceed.  Without UFFD_FEATURE_WP_UNPOPULATED, pages that were
 * never populated are left alone, as the kernel ignores none PTEs; with
 * it, they get a marker: a guard marker with PS_WP, so that a write is a WP
 * fault and a read maps the zero page (fault.c).
 *
 * Unlike the kernel's per-PTE bit, real_mprotect() splits the VMA around every
 * run of protected pages.  Protecting scattered pages therefore consumes
 * VMAs; when vm.max_map_count is reached the operation stops with ENOMEM
 * and the pages protected so far stay protected (see
 * docs/emulated-engine.md for the measured limit).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

#define WP_CHUNK 512

/* What a page's protection becomes; a huge page's marker is PROT_NONE. */
enum wp_action { WP_KEEP, WP_READONLY, WP_RESTORE, WP_HIDE };

static int wp_prot(int action, int prot)
{
	switch (action) {
	case WP_READONLY:
		return prot_wp(prot);
	case WP_HIDE:
		return PROT_NONE;
	}
	return prot;
}

/* Do never-populated pages get a marker?  Always for shmem (spec 8). */
static bool wp_unpopulated(uint32_t w)
{
	struct emu_ctx *ctx = ctx_get(PS_CTX(w));

	if (w & PS_FILE)
		return true;
	return ctx && ctx->sh &&
	       (ctx_features(ctx) & (UFFD_FEATURE_WP_UNPOPULATED | UFFD_FEATURE_WP_ASYNC));
}

/*
 * Apply (or remove) write protection on [s, e), all registered in WP mode.
 * Returns 0 or -ENOMEM (VMA limit), the pages done so far staying done.
 */
static int wp_apply(uintptr_t s, uintptr_t e, bool enable)
{
	uint32_t old[WP_CHUNK], nw[WP_CHUNK];
	uint64_t pm[WP_CHUNK];
	unsigned char ro[WP_CHUNK];	/* enum wp_action */
	uintptr_t a;
	int err = 0;

	for (a = s; a < e; a += WP_CHUNK * EMU_PAGE_SIZE) {
		size_t n = (e - a) / EMU_PAGE_SIZE, i, j;

		if (n > WP_CHUNK)
			n = WP_CHUNK;
		for (i = 0; i < n; i++)
			old[i] = page_take(pt_word(a + i * EMU_PAGE_SIZE));
		if (enable && pagemap_read(a, n, pm))
			memset(pm, 0, n * sizeof(pm[0]));
		for (i = 0; i < n; i++) {
			uint32_t w = old[i];
			uintptr_t p = a + i * EMU_PAGE_SIZE;

			nw[i] = w;
			ro[i] = WP_KEEP;
			/* A poisoned page stays poisoned, as in the kernel. */
			if (w & PS_POISON)
				continue;
			if (enable) {
				if (w & PS_WP)
					continue;
				if (w & PS_MISSING) {
					if (wp_unpopulated(w))
						nw[i] |= PS_WP;
				} else if (pm[i] & (PM_PRESENT | PM_SWAP)) {
					nw[i] |= PS_WP;
					ro[i] = WP_READONLY;
				} else if (wp_unpopulated(w) && (w & PS_HUGE)) {
					nw[i] |= PS_WP | PS_MISSING;
					ro[i] = WP_HIDE;
				} else if (wp_unpopulated(w) && !guard_install(p, EMU_PAGE_SIZE)) {
					nw[i] |= PS_WP | PS_MISSING;
				}
			} else {
				if (!(w & PS_WP))
					continue;
				nw[i] &= ~PS_WP;
				if (!(w & PS_MISSING))
					ro[i] = WP_RESTORE;
				else if (!(PS_MODE(w) & UFFDIO_REGISTER_MODE_MISSING)) {
					if (w & PS_HUGE)
						ro[i] = WP_RESTORE;
					else
						guard_remove(p, EMU_PAGE_SIZE);
					nw[i] &= ~PS_MISSING;
				}
			}
		}
		/* Protection changes, a run of equal protection at a time. */
		for (i = 0; i < n; i = j) {
			int prot = PS_PROT(old[i]);

			for (j = i + 1; j < n && ro[j] == ro[i] &&
			     PS_PROT(old[j]) == prot; j++)
				;
			if (!ro[i] || err)
				continue;
			if (real_mprotect((void *)(a + i * EMU_PAGE_SIZE),
				     (j - i) * EMU_PAGE_SIZE, wp_prot(ro[i], prot))) {
				err = -errno;
			}
			if (err) {
				size_t k;

				for (k = i; k < n; k++)
					if (ro[k] == WP_READONLY || ro[k] == WP_HIDE)
						nw[k] = old[k];
			}
		}
		for (i = 0; i < n; i++)
			atomic_store(pt_word(a + i * EMU_PAGE_SIZE), nw[i] & ~PS_BUSY);
		if (err)
			break;
	}
	return err;
}

/* Every page of [s, e) registered (with any uffd) in WP mode? */
static bool all_wp(uintptr_t s, uintptr_t e)
{
	uintptr_t a;

	for (a = s; a < e; a += EMU_PAGE_SIZE) {
		pageword_t *pw = pt_word(a);
		uint32_t w = pw ? atomic_load(pw) : 0;

		if (!PS_CTX(w) || !(PS_MODE(w) & UFFDIO_REGISTER_MODE_WP))
			return false;
	}
	return true;
}

/*
 * mwriteprotect_range(): VMA by VMA in address order, holes skipped; the
 * first VMA without WP mode stops with ENOENT, a hugetlb VMA with a start
 * or length not in huge pages with EINVAL, earlier ones stay changed; no
 * VMA at all is ENOENT.
 */
static int wp_range(uintptr_t start, uintptr_t end, bool enable)
{
	struct vma *v = NULL;
	int n = 0, i, err;
	bool aligned = !((start | end) & ~HUGE_MASK);

	if ((aligned || !huge_any(start, end)) && all_wp(start, end))
		return wp_apply(start, end, enable);
	err = maps_read(start, end, &v, &n);
	if (err)
		return err;
	err = n ? 0 : -ENOENT;
	for (i = 0; i < n && !err; i++) {
		uintptr_t s = v[i].start > start ? v[i].start : start;
		uintptr_t e = v[i].end < end ? v[i].end : end;
		uintptr_t a;

		/* Our "VMA" is a run of pages with the same registration. */
		for (a = s; a < e && !err; ) {
			pageword_t *pw = pt_word(a);
			uint32_t w = pw ? atomic_load(pw) : 0;
			uintptr_t b = a + EMU_PAGE_SIZE;

			if (!PS_CTX(w) || !(PS_MODE(w) & UFFDIO_REGISTER_MODE_WP)) {
				err = -ENOENT;
				break;
			}
			/* hugetlb: the whole range in huge pages (EINVAL). */
			if ((w & PS_HUGE) && !aligned) {
				err = -EINVAL;
				break;
			}
			while (b < e) {
				pageword_t *q = pt_word(b);

				if (!q || ((atomic_load(q) ^ w) & PS_VMA_MASK))
					break;
				b += EMU_PAGE_SIZE;
			}
			err = wp_apply(a, b, enable);
			a = b;
		}
	}
	return err;
}

int op_writeprotect(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_writeprotect wp;
	bool enable;
	int err;

	if (ctx_changing(ctx))
		return -EAGAIN;		/* checked first (spec 8) */
	if (safe_read(&wp, arg, sizeof(wp)))
		return -EFAULT;
	err = validate_range(wp.range.start, wp.range.len);
	if (err)
		return err;
	if (wp.mode & ~(UFFDIO_WRITEPROTECT_MODE_WP | UFFDIO_WRITEPROTECT_MODE_DONTWAKE))
		return -EINVAL;
	enable = wp.mode & UFFDIO_WRITEPROTECT_MODE_WP;
	if (enable && (wp.mode & UFFDIO_WRITEPROTECT_MODE_DONTWAKE))
		return -EINVAL;
	err = wp_range(wp.range.start, wp.range.start + wp.range.len, enable);
	if (err)
		return err;
	if (!enable && !(wp.mode & UFFDIO_WRITEPROTECT_MODE_DONTWAKE)) {
		wake_range(ctx, wp.range.start, wp.range.len);
		queue_drain_stale_hint(ctx);
	}
	return 0;
}
