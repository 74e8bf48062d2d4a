/* SPDX-License-Identifier: MIT */
/*
 * The process's own memory calls over registered ranges (spec 11).
 *
 * The kernel attaches a registration to the VMA, so munmap(), mremap(),
 * mmap(MAP_FIXED), madvise(MADV_DONTNEED...) and mprotect() keep it right
 * by construction.  The emulated engine's state lives in the page-state
 * table, so these calls are interposed here to keep it right:
 *
 *   MADV_DONTNEED/_LOCKED, MADV_FREE (anonymous memory): the pages are
 *	zapped; registered MISSING pages become missing again (a guard marker
 *	zaps and marks in one step), write protection and poison go;
 *	with UFFD_FEATURE_EVENT_REMOVE a REMOVE event (clipped to the
 *	registration) is read before the zap;
 *   munmap(), mmap(MAP_FIXED) over registered pages: the registration
 *	goes with the mapping; UNMAP event (the whole requested range) after;
 *   mremap(): a moved range keeps its registration only with
 *	EVENT_REMAP (REMAP event, then UNMAP of the old range with
 *	EVENT_UNMAP); without it the moved pages lose registration, markers
 *	and write protection; in-place growth extends the registration;
 *   mprotect(): the recorded protection follows, write protection stays.
 *
 * The C library's names are interposed in src/interpose/mm.c, which calls
 * the emu_*() functions here; calls made with syscall(2) bypass all this
 * (docs/emulated-engine.md).  Each starts with a check that costs nothing
 * unless the range is near registered memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif

/* ---- which registered pages a call touches ----------------------------- */

static uintptr_t page_up(uintptr_t a)
{
	return (a + EMU_PAGE_SIZE - 1) & EMU_PAGE_MASK;
}

/* Any registered page in [s, e)?  Cheap when nothing was ever near. */
static bool any_registered(uintptr_t s, uintptr_t e)
{
	uintptr_t a;

	if (!pt_maybe(s, e))
		return false;
	for (a = s; a < e; a += EMU_PAGE_SIZE) {
		pageword_t *pw = pt_word(a);

		if (!pw) {
			a = pt_leaf_end(a) - EMU_PAGE_SIZE;
			continue;
		}
		if (PS_CTX(atomic_load(pw)))
			return true;
	}
	return false;
}

/*
 * Runs of registered pages of one context and one VMA in [s, e):
 * calls @fn(ctx_index, run_start, run_end, word_of_first, arg).
 */
static void for_each_run(uintptr_t s, uintptr_t e,
			 void (*fn)(uint32_t, uintptr_t, uintptr_t, uint32_t, void *),
			 void *arg)
{
	uintptr_t a = s;

	while (a < e) {
		pageword_t *pw = pt_word(a);
		uint32_t w = pw ? atomic_load(pw) : 0;
		uintptr_t b;

		if (!pw) {
			a = pt_leaf_end(a);
			continue;
		}
		if (!PS_CTX(w)) {
			a += EMU_PAGE_SIZE;
			continue;
		}
		for (b = a + EMU_PAGE_SIZE; b < e; b += EMU_PAGE_SIZE) {
			pageword_t *q = pt_word(b);

			if (!q || ((atomic_load(q) ^ w) & PS_VMA_MASK))
				break;
		}
		fn(PS_CTX(w), a, b, w & ~PS_BUSY, arg);
		a = b;
	}
}

static void release_run_busy(uint32_t ci, uintptr_t s, uintptr_t e, uint32_t w,
			     void *arg)
{
	uintptr_t a;

	(void)ci;
	(void)w;
	(void)arg;
	for (a = s; a < e; a += EMU_PAGE_SIZE)
		atomic_fetch_and(pt_word(a), ~PS_BUSY);
}

/* ---- events (spec 11) ------------------------------------------------------ */

#define MAX_EVENTS 16

struct pending_events {
	int n;
	struct {
		uint32_t ctx;
		struct uffd_msg msg;
	} ev[MAX_EVENTS];
};

/*
 * Collect an event and raise its context's mmap_changing.  UNMAP is one
 * event per context for the whole range; REMOVE one per registered VMA.
 */
static void ev_add(struct pending_events *pe, uint32_t ctx, const struct uffd_msg *m)
{
	int i;

	if (m->event == UFFD_EVENT_UNMAP)
		for (i = 0; i < pe->n; i++)
			if (pe->ev[i].ctx == ctx && pe->ev[i].msg.event == m->event)
				return;
	if (pe->n < MAX_EVENTS) {
		pe->ev[pe->n].ctx = ctx;
		pe->ev[pe->n].msg = *m;
		pe->n++;
		event_prepare(ctx_get(ctx));
	}
}

/* Deliver collected events in order, each waited for until read. */
static void ev_deliver(struct pending_events *pe)
{
	int i;

	for (i = 0; i < pe->n; i++) {
		struct emu_ctx *ctx = ctx_acquire(pe->ev[i].ctx);

		if (!ctx)
			continue;
		event_post(ctx, &pe->ev[i].msg);
		ctx_put(ctx);
	}
	pe->n = 0;
}

/* The call failed: the prepared events will not come. */
static void ev_cancel(struct pending_events *pe)
{
	int i;

	for (i = 0; i < pe->n; i++)
		event_unprepare(ctx_get(pe->ev[i].ctx));
	pe->n = 0;
}

static bool ctx_wants(uint32_t index, uint64_t feature)
{
	struct emu_ctx *ctx = ctx_get(index);

	return ctx && atomic_load(&ctx->state) == CTX_LIVE && ctx->sh &&
	       (ctx_features(ctx) & feature);
}

/* ---- MADV_DONTNEED and friends ---------------------------------------------- */

struct remove_arg {
	struct pending_events *pe;
};

static void collect_remove(uint32_t ci, uintptr_t s, uintptr_t e, uint32_t w,
			   void *arg)
{
	struct remove_arg *ra = arg;
	struct uffd_msg m;

	(void)w;
	if (!ctx_wants(ci, UFFD_FEATURE_EVENT_REMOVE))
		return;
	memset(&m, 0, sizeof(m));
	m.event = UFFD_EVENT_REMOVE;
	m.arg.remove.start = s;
	m.arg.remove.end = e;
	ev_add(ra->pe, ci, &m);
}

/*
 * Zap one run: missing again behind a marker (MISSING mode), or absent.
 * A hugetlb run stays BUSY until the caller's madvise() has zapped it
 * (zap_done): its marker is a protection, which does not zap.
 */
static void zap_run(uint32_t ci, uintptr_t s, uintptr_t e, uint32_t w, void *arg)
{
	uintptr_t a;

	(void)ci;
	for (a = s; a < e; a += EMU_PAGE_SIZE)
		page_take(pt_word(a));
	if (w & PS_HUGE) {
		huge_zap(s, e, *(int *)arg);
		return;
	}
	if (PS_MODE(w) & UFFDIO_REGISTER_MODE_MISSING) {
		/* One step, no window: the marker zaps the page itself. */
		guard_install(s, e - s);
	} else {
		guard_remove(s, e - s);		/* WP / poison markers */
		real_madvise((void *)s, e - s, MADV_DONTNEED);
	}
	for (a = s; a < e; a += EMU_PAGE_SIZE) {
		pageword_t *pw = pt_word(a);
		uint32_t v = atomic_load(pw);

		if ((v & PS_WP) && !(v & PS_MISSING))
			real_mprotect((void *)a, EMU_PAGE_SIZE, PS_PROT(v));
		v &= ~(PS_WP | PS_POISON | PS_MISSING | PS_BUSY);
		if (PS_MODE(v) & UFFDIO_REGISTER_MODE_MISSING)
			v |= PS_MISSING;
		atomic_store(pw, v);
	}
}

static void zap_done(uint32_t ci, uintptr_t s, uintptr_t e, uint32_t w, void *arg)
{
	if (w & PS_HUGE)
		release_run_busy(ci, s, e, w, arg);
}

int emu_madvise(void *addr, size_t len, int advice)
{
	uintptr_t s = (uintptr_t)addr, e = page_up(s + len);
	struct pending_events pe = { 0 };
	struct remove_arg ra = { &pe };
	sigset_t saved;
	int r, err;

	if (likely(advice != MADV_DONTNEED && advice != MADV_DONTNEED_LOCKED &&
		   advice != MADV_FREE && advice != MADV_REMOVE) ||
	    (s & ~EMU_PAGE_MASK) || e < s || !any_registered(s, e))
		return real_madvise(addr, len, advice);

	/* REMOVE events are read before anything is zapped. */
	emu_lock_acquire(&saved);
	for_each_run(s, e, collect_remove, &ra);
	emu_lock_release(&saved);
	ev_deliver(&pe);

	emu_lock_acquire(&saved);
	for_each_run(s, e, zap_run, &advice);
	r = real_madvise(addr, len, advice);
	err = errno;
	for_each_run(s, e, zap_done, NULL);
	emu_lock_release(&saved);
	errno = err;
	return r;
}

/* ---- munmap, mmap(MAP_FIXED) ----------------------------------------------- */

struct unmap_arg {
	struct pending_events *pe;
	uintptr_t s, e;		/* the whole requested range */
};

static void collect_unmap(uint32_t ci, uintptr_t s, uintptr_t e, uint32_t w,
			  void *arg)
{
	struct unmap_arg *ua = arg;
	struct uffd_msg m;
	uintptr_t a;

	(void)w;
	for (a = s; a < e; a += EMU_PAGE_SIZE)
		page_take(pt_word(a));
	if (!ctx_wants(ci, UFFD_FEATURE_EVENT_UNMAP))
		return;
	memset(&m, 0, sizeof(m));
	m.event = UFFD_EVENT_UNMAP;
	m.arg.remove.start = ua->s;
	m.arg.remove.end = ua->e;
	ev_add(ua->pe, ci, &m);
}

/* After the unmap: the pages are nobody's. */
static void forget_run(uint32_t ci, uintptr_t s, uintptr_t e, uint32_t w, void *arg)
{
	uintptr_t a;

	(void)ci;
	(void)w;
	(void)arg;
	for (a = s; a < e; a += EMU_PAGE_SIZE)
		atomic_store(pt_word(a), 0);
}

int emu_munmap(void *addr, size_t len)
{
	uintptr_t s = (uintptr_t)addr, e = page_up(s + len);
	struct pending_events pe = { 0 };
	struct unmap_arg ua = { &pe, s, e };
	sigset_t saved;
	int r, err;

	if (likely(!any_registered(s, e)) || (s & ~EMU_PAGE_MASK) || e < s)
		return real_munmap(addr, len);
	emu_lock_acquire(&saved);
	for_each_run(s, e, collect_unmap, &ua);
	r = real_munmap(addr, len);
	err = errno;
	if (r == 0) {
		for_each_run(s, e, forget_run, NULL);
		fspan_drop(s, e);
	} else {
		for_each_run(s, e, release_run_busy, NULL);
	}
	emu_lock_release(&saved);
	if (r == 0)
		ev_deliver(&pe);
	else
		ev_cancel(&pe);
	errno = err;
	return r;
}

void *emu_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	uintptr_t s = (uintptr_t)addr, e = page_up(s + len);
	struct pending_events pe = { 0 };
	struct unmap_arg ua = { &pe, s, e };
	sigset_t saved;
	void *r;
	int err;

	if (likely(!(flags & MAP_FIXED)) || (flags & MAP_FIXED_NOREPLACE) ||
	    (s & ~EMU_PAGE_MASK) || e < s || !any_registered(s, e))
		return real_mmap(addr, len, prot, flags, fd, off);
	emu_lock_acquire(&saved);
	for_each_run(s, e, collect_unmap, &ua);
	r = real_mmap(addr, len, prot, flags, fd, off);
	err = errno;
	if (r != MAP_FAILED) {
		for_each_run(s, e, forget_run, NULL);
		fspan_drop(s, e);
	} else
		for_each_run(s, e, release_run_busy, NULL);
	emu_lock_release(&saved);
	if (r != MAP_FAILED)
		ev_deliver(&pe);
	else
		ev_cancel(&pe);
	errno = err;
	return r;
}

/* ---- mprotect ------------------------------------------------------------------ */

static void reprotect_run(uint32_t ci, uintptr_t s, uintptr_t e, uint32_t w,
			  void *arg)
{
	int prot = *(int *)arg;
	uintptr_t a;

	(void)ci;
	(void)w;
	for (a = s; a < e; a += EMU_PAGE_SIZE) {
		pageword_t *pw = pt_word(a);
		uint32_t v = atomic_load(pw);

		v = (v & ~PS_PROT_MASK) | ((uint32_t)prot << PS_PROT_SHIFT);
		/* A write-protected page stays read-only (huge_mprotect did huge pages). */
		if ((v & PS_WP) && !(v & (PS_MISSING | PS_HUGE)))
			real_mprotect((void *)a, EMU_PAGE_SIZE, prot_wp(prot));
		atomic_store(pw, v & ~PS_BUSY);
	}
}

static void lock_run(uint32_t ci, uintptr_t s, uintptr_t e, uint32_t w, void *arg)
{
	uintptr_t a;

	(void)ci;
	(void)w;
	(void)arg;
	for (a = s; a < e; a += EMU_PAGE_SIZE)
		page_take(pt_word(a));
}

int emu_mprotect(void *addr, size_t len, int prot)
{
	uintptr_t s = (uintptr_t)addr, e = page_up(s + len);
	sigset_t saved;
	int r, err, p = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);

	if (likely(!any_registered(s, e)) || (s & ~EMU_PAGE_MASK) || e < s)
		return real_mprotect(addr, len, prot);
	emu_lock_acquire(&saved);
	for_each_run(s, e, lock_run, NULL);
	/* hugetlb: a missing or protected page keeps its protection. */
	r = huge_any(s, e) ? huge_mprotect(s, e, prot) : real_mprotect(addr, len, prot);
	err = errno;
	if (r == 0)
		for_each_run(s, e, reprotect_run, &p);
	else
		for_each_run(s, e, release_run_busy, NULL);
	emu_lock_release(&saved);
	errno = err;
	return r;
}

/* ---- mremap ------------------------------------------------------------------------- */

struct remap_arg {
	uintptr_t os, oe, ns;	/* old range, new start */
	bool keep;		/* EVENT_REMAP: the registration moves */
	struct pending_events *pe;
	uint32_t ctx;
	uint32_t word;
};

static void remap_lock(uint32_t ci, uintptr_t s, uintptr_t e, uint32_t w, void *arg)
{
	struct remap_arg *ra = arg;

	lock_run(ci, s, e, w, NULL);
	if (!ra->ctx) {
		ra->ctx = ci;
		ra->word = w;
	}
}

/*
 * The pages of [os, oe) now live at [ns, ns + (oe - os)): move their words
 * (EVENT_REMAP) or drop the registration with its markers and protection.
 */
static void remap_move(struct remap_arg *ra, uintptr_t moved_len)
{
	uintptr_t off;

	if (ra->keep)
		pt_ensure(ra->ns, ra->ns + moved_len);
	for (off = 0; off < moved_len; off += EMU_PAGE_SIZE) {
		pageword_t *from = pt_word(ra->os + off);
		uint32_t w = from ? atomic_load(from) & ~PS_BUSY : 0;
		uintptr_t to = ra->ns + off;

		if (!PS_CTX(w))
			continue;
		if (ra->keep) {
			atomic_store(pt_word(to), w);
		} else if (w & PS_HUGE) {
			/* A huge page's marker or protection: once per page. */
			if (!(to & ~HUGE_MASK) && page_prot(w) != PS_PROT(w))
				real_mprotect((void *)to, HUGE_SIZE, PS_PROT(w));
		} else {
			if (w & PS_MISSING)
				guard_remove(to, EMU_PAGE_SIZE);
			if ((w & PS_WP) && !(w & PS_MISSING))
				real_mprotect((void *)to, EMU_PAGE_SIZE, PS_PROT(w));
		}
		if (from)
			atomic_store(from, 0);
	}
}

void *emu_mremap(void *old, size_t old_size, size_t new_size, int flags,
		 void *new_addr)
{
	uintptr_t os = (uintptr_t)old, oe = page_up(os + old_size);
	struct pending_events pe = { 0 };
	struct remap_arg ra = { 0 };
	sigset_t saved;
	void *r;
	int err;

	if (likely(!any_registered(os, oe)) || (os & ~EMU_PAGE_MASK) || oe < os)
		return real_mremap(old, old_size, new_size, flags, new_addr);

	emu_lock_acquire(&saved);
	ra.os = os;
	ra.oe = oe;
	ra.pe = &pe;
	for_each_run(os, oe, remap_lock, &ra);
	r = real_mremap(old, old_size, new_size, flags, new_addr);
	err = errno;
	if (r == MAP_FAILED) {
		for_each_run(os, oe, release_run_busy, NULL);
		emu_lock_release(&saved);
		errno = err;
		return r;
	}
	ra.keep = ctx_wants(ra.ctx, UFFD_FEATURE_EVENT_REMAP);
	if ((uintptr_t)r != os) {
		size_t moved = oe - os < page_up(new_size) ? oe - os : page_up(new_size);
		struct uffd_msg m;

		ra.ns = (uintptr_t)r;
		remap_move(&ra, moved);
		/* Moved and grown: the tail of the moved VMA is registered too. */
		if (ra.keep && page_up(new_size) > moved)
			register_again(ra.ctx, ra.ns + moved, ra.ns + page_up(new_size),
				       ra.word);
		if (flags & MREMAP_DONTUNMAP) {
			/* The old range stays mapped, empty, and registered. */
			if (ra.keep)
				register_again(ra.ctx, os, oe, ra.word);
		} else {
			for_each_run(os, oe, forget_run, NULL);
		}
		if (ra.keep) {
			memset(&m, 0, sizeof(m));
			m.event = UFFD_EVENT_REMAP;
			m.arg.remap.from = os;
			m.arg.remap.to = (uintptr_t)r;
			m.arg.remap.len = old_size;
			ev_add(&pe, ra.ctx, &m);
		}
		if (!(flags & MREMAP_DONTUNMAP) &&
		    ctx_wants(ra.ctx, UFFD_FEATURE_EVENT_UNMAP)) {
			memset(&m, 0, sizeof(m));
			m.event = UFFD_EVENT_UNMAP;
			m.arg.remove.start = os;
			m.arg.remove.end = oe;
			ev_add(&pe, ra.ctx, &m);
		}
	} else if (page_up(new_size) > oe - os) {
		/* Grown in place: the new tail inherits the registration. */
		for_each_run(os, oe, release_run_busy, NULL);
		register_again(ra.ctx, oe, os + page_up(new_size), ra.word);
	} else {
		uintptr_t ne = os + page_up(new_size);

		/* Shrunk: the tail is unmapped. */
		for_each_run(ne, oe, forget_run, NULL);
		for_each_run(os, ne, release_run_busy, NULL);
		if (ne < oe && ctx_wants(ra.ctx, UFFD_FEATURE_EVENT_UNMAP)) {
			struct uffd_msg m;

			memset(&m, 0, sizeof(m));
			m.event = UFFD_EVENT_UNMAP;
			m.arg.remove.start = ne;
			m.arg.remove.end = oe;
			ev_add(&pe, ra.ctx, &m);
		}
	}
	emu_lock_release(&saved);
	ev_deliver(&pe);
	errno = err;
	return r;
}
