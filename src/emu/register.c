/* SPDX-License-Identifier: MIT */
/*
 * UFFDIO_API, UFFDIO_REGISTER, UFFDIO_UNREGISTER and UFFDIO_WAKE of the
 * emulated engine, in the kernel's order of checks (fs/userfaultfd.c,
 * ../shared/uffd-semantics.md sections 3 to 6).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

/* What this engine implements; UFFDIO_API reports exactly this. */
#define EMU_FEATURES (UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_SIGBUS | \
		      UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_MINOR_SHMEM | \
		      UFFD_FEATURE_MISSING_HUGETLBFS | UFFD_FEATURE_MINOR_HUGETLBFS | \
		      UFFD_FEATURE_WP_HUGETLBFS_SHMEM | \
		      UFFD_FEATURE_EVENT_FORK | \
		      UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_REMOVE | \
		      UFFD_FEATURE_EVENT_UNMAP | \
		      UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EXACT_ADDRESS | \
		      UFFD_FEATURE_WP_UNPOPULATED | UFFD_FEATURE_POISON | \
		      UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_MOVE)
/* Registration modes this engine implements. */
#define EMU_MODES (UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP | \
		   UFFDIO_REGISTER_MODE_MINOR)

uint64_t emu_features(void)
{
	return EMU_FEATURES;
}

static bool capable_ptrace(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (sys_call(SYS_capget, (long)&h, (long)d, 0, 0, 0, 0))
		return false;
	return d[CAP_SYS_PTRACE / 32].effective & (1u << (CAP_SYS_PTRACE % 32));
}

int op_api(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_api a;
	uint64_t features, expect = 0;
	int err = 0;

	if (safe_read(&a, arg, sizeof(a)))
		return -EFAULT;
	features = a.features;
	if (a.api != UFFD_API)
		err = -EINVAL;
	else if ((features & UFFD_FEATURE_EVENT_FORK) && !capable_ptrace())
		err = -EPERM;
	else {
		if (features & UFFD_FEATURE_WP_ASYNC)
			features |= UFFD_FEATURE_WP_UNPOPULATED;
		if (features & ~(uint64_t)EMU_FEATURES)
			err = -EINVAL;
	}
	if (!err) {
		a.features = EMU_FEATURES;
		a.ioctls = UFFD_API_IOCTLS_618;
		if (safe_write(arg, &a, sizeof(a)))
			return -EFAULT;
		if (atomic_compare_exchange_strong(&ctx->sh->features, &expect,
						   features | EMU_FEAT_INITIALIZED))
			return 0;
		err = -EINVAL;		/* second call */
	}
	memset(&a, 0, sizeof(a));
	if (safe_write(arg, &a, sizeof(a)))
		return -EFAULT;
	return err;
}

/* ---- spans: the address ranges a context owns (under emu_lock) --------- */

static int span_add(struct emu_ctx *ctx, uintptr_t s, uintptr_t e)
{
	size_t i;

	for (i = 0; i < ctx->nspans; i++) {
		struct span *p = &ctx->spans[i];

		if (s <= p->end && e >= p->start) {
			if (s < p->start)
				p->start = s;
			if (e > p->end)
				p->end = e;
			return 0;
		}
	}
	if (ctx->nspans == ctx->capspans) {
		size_t cap = ctx->capspans ? ctx->capspans * 2 : 8;
		struct span *n = realloc(ctx->spans, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ctx->spans = n;
		ctx->capspans = cap;
	}
	ctx->spans[ctx->nspans].start = s;
	ctx->spans[ctx->nspans].end = e;
	ctx->nspans++;
	return 0;
}

/* ---- page-word helpers ------------------------------------------------- */

/*
 * Forget this context's pages in [s, e): remove our markers, clear the
 * words.  The marker of a page goes before its word says "not ours", so a
 * fault racing with us either still sees the page as ours (and retries
 * once it is free) or finds it accessible.  Pages are taken BUSY in
 * chunks so markers can be removed a run at a time.  In a fork child,
 * BUSY marks belong to threads that do not exist here: such a page is made
 * accessible again instead of waited for.
 * Returns true when a page with MISSING mode was found (waiters to wake).
 */
#define CLEAR_CHUNK 512

static bool pages_clear(struct emu_ctx *ctx, uintptr_t s, uintptr_t e,
			bool in_child)
{
	bool missing_mode = false;
	uintptr_t a;

	for (a = s; a < e; a += CLEAR_CHUNK * EMU_PAGE_SIZE) {
		uintptr_t ce = a + CLEAR_CHUNK * EMU_PAGE_SIZE;
		unsigned char mine[CLEAR_CHUNK], guarded[CLEAR_CHUNK];
		int fix[CLEAR_CHUNK];	/* protection to restore, or -1 */
		size_t i, j, n;

		if (ce > e || ce < a)
			ce = e;
		n = (ce - a) / EMU_PAGE_SIZE;
		for (i = 0; i < n; i++) {
			pageword_t *pw = pt_word(a + i * EMU_PAGE_SIZE);
			uint32_t w;

			mine[i] = guarded[i] = 0;
			fix[i] = -1;
			if (!pw || PS_CTX(atomic_load(pw)) != ctx->index)
				continue;
			w = in_child ? atomic_load(pw) : page_take(pw);
			mine[i] = 1;
			guarded[i] = (w & (PS_MISSING | PS_HUGE)) == PS_MISSING;
			/*
			 * Write protection goes with the registration, and so
			 * does a huge page's PROT_NONE marker.
			 */
			if (page_prot(w) != PS_PROT(w) || (in_child && (w & PS_BUSY)))
				fix[i] = PS_PROT(w);
			if (PS_MODE(w) & UFFDIO_REGISTER_MODE_MISSING)
				missing_mode = true;
		}
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && fix[j] == fix[i]; j++)
				;
			if (fix[i] >= 0)
				real_mprotect((void *)(a + i * EMU_PAGE_SIZE),
					      (j - i) * EMU_PAGE_SIZE, fix[i]);
		}
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && guarded[j] == guarded[i]; j++)
				;
			if (guarded[i])
				guard_remove(a + i * EMU_PAGE_SIZE, (j - i) * EMU_PAGE_SIZE);
		}
		for (i = 0; i < n; i++)
			if (mine[i])
				atomic_store(pt_word(a + i * EMU_PAGE_SIZE), 0);
	}
	return missing_mode;
}

void pages_unregister_all(struct emu_ctx *ctx, bool in_child)
{
	size_t i;

	for (i = 0; i < ctx->nspans; i++) {
		pages_clear(ctx, ctx->spans[i].start, ctx->spans[i].end, in_child);
		if (!in_child)
			fspan_drop(ctx->spans[i].start, ctx->spans[i].end);
	}
	ctx->nspans = 0;
}

/* ---- UFFDIO_REGISTER --------------------------------------------------- */

/*
 * Under emu_lock: the VMAs of [start, end) for REGISTER and UNREGISTER;
 * EBADF once @ctx is closing, EINVAL when there is none.
 */
static int live_vmas(struct emu_ctx *ctx, uintptr_t start, uintptr_t end,
		     struct vma **v, int *n)
{
	int err;

	if (atomic_load(&ctx->state) != CTX_LIVE)
		return -EBADF;
	err = maps_read(start, end, v, n);
	if (!err && !*n)
		err = -EINVAL;
	return err;
}

/*
 * Could the kernel's vma_can_userfault() accept it (for UNREGISTER)?
 * Sets v->kind (PS_HUGE matters: hugetlb has alignment rules).
 */
static bool vma_compatible(struct vma *v)
{
	int err;

	if (v->special)
		return false;
	if (v->anon)
		return true;
	err = vma_kind(v, &v->kind);
	return !err || err == -EPERM;
}

/* The VMA [vs, ve) is hugetlb and @end falls inside a huge page of it. */
static bool huge_cut(const struct vma *v, uintptr_t end)
{
	return (v->kind & PS_HUGE) && end > v->start && end <= v->end &&
	       (end & ~HUGE_MASK);
}

/* UFFD_API_RANGE_IOCTLS_BASIC when the range holds hugetlb (spec 4.4). */
static uint64_t register_ioctls(uint64_t mode, bool huge)
{
	uint64_t base = huge ? UFFD_API_RANGE_IOCTLS_BASIC_618 : UFFD_API_RANGE_IOCTLS_618;

	if (!(mode & UFFDIO_REGISTER_MODE_WP))
		base &= ~((uint64_t)1 << _UFFDIO_WRITEPROTECT);
	if (!(mode & UFFDIO_REGISTER_MODE_MINOR))
		base &= ~((uint64_t)1 << _UFFDIO_CONTINUE);
	return base;
}

/*
 * Register one VMA's part [s, e).  Pages whose new mode includes MISSING
 * and that are neither present nor already ours get a guard marker.  While
 * we look at pagemap and install markers the part is PROT_NONE, so no
 * thread can populate a page we are about to mark (a marker would discard
 * its contents); their faults see BUSY and wait.
 */
enum { ACT_NONE, ACT_GUARD, ACT_UNGUARD };

#define REG_CHUNK 512

/* One chunk of register_part(), on the stack (no allocation). */
/*
 * The protection page word @w stands for: page_prot() (read-only while
 * write-protected and present, none while a huge page is missing);
 * @vma_prot for a page not ours.
 */
static int word_prot(uint32_t w, int vma_prot)
{
	return PS_CTX(w) ? page_prot(w) : vma_prot;
}

static void restore_prot(uintptr_t s, size_t np, const uint32_t *w, int vma_prot)
{
	size_t i, j;

	for (i = 0; i < np; i = j) {
		int p = word_prot(w[i], vma_prot);

		for (j = i + 1; j < np && word_prot(w[j], vma_prot) == p; j++)
			;
		real_mprotect((void *)(s + i * EMU_PAGE_SIZE), (j - i) * EMU_PAGE_SIZE, p);
	}
}

static int register_chunk(struct emu_ctx *ctx, uintptr_t s, uintptr_t e,
			  int prot, uint64_t mode, uint32_t kind)
{
	/* Pages without a mapping of ours get markers in these modes. */
	bool marked = (mode & UFFDIO_REGISTER_MODE_MISSING) ||
		      ((kind & PS_FILE) && (mode & UFFDIO_REGISTER_MODE_MINOR));
	size_t i, j, np = (e - s) / EMU_PAGE_SIZE;
	uint32_t old[REG_CHUNK], nw[REG_CHUNK];
	unsigned char act[REG_CHUNK];
	uint64_t pm[REG_CHUNK];
	bool need_scan = false, hidden = false, huge = kind & PS_HUGE;
	int err = 0;

	memset(act, 0, sizeof(act));
	for (i = 0; i < np; i++) {
		old[i] = page_take(pt_word(s + i * EMU_PAGE_SIZE));
		if (marked && !(PS_CTX(old[i]) == ctx->index && (old[i] & PS_MISSING)))
			need_scan = true;
	}
	if (need_scan) {
		if (prot != PROT_NONE) {
			if (real_mprotect((void *)s, e - s, PROT_NONE)) {
				err = -errno;
				goto out;
			}
			hidden = true;
		}
		err = pagemap_read(s, np, pm);
		if (err)
			goto out;
	}

	/* Decide every page's new word. */
	for (i = 0; i < np; i++) {
		uint32_t w = old[i];
		bool same = PS_CTX(w) == ctx->index;

		nw[i] = w;
		if (same && (PS_MODE(w) & mode) == mode)
			continue;		/* superset: unchanged */
		/*
		 * Our own pages keep their recorded protection: a write-
		 * protected page is read-only in /proc/self/maps because of
		 * us, not because the application asked.
		 */
		nw[i] = PS_MAKE(ctx->index, mode, same ? PS_PROT(w) : prot) | kind;
		/*
		 * Modes are replaced; write protection stays with the page,
		 * as the kernel's uffd-wp PTE bit and marker stay: live
		 * again if WP mode comes back, dormant meanwhile - a write
		 * to a present page, or any access to a marker, drops it
		 * (fault.c).  A dormant marker takes a COPY and makes
		 * ZEROPAGE and POISON say EEXIST (K17, K20).  A marker stays
		 * only where the page stays marked (MISSING or WP mode).
		 */
		if (same && (w & PS_WP) && !(w & PS_MISSING))
			nw[i] |= PS_WP;
		else if (same && (w & PS_WP) &&
			 (mode & (UFFDIO_REGISTER_MODE_WP | UFFDIO_REGISTER_MODE_MISSING)))
			nw[i] |= PS_WP | PS_MISSING;
		if (same && (w & PS_POISON))
			nw[i] |= PS_POISON | PS_MISSING;
		if (marked) {
			if (same && (w & PS_MISSING)) {
				nw[i] |= PS_MISSING;
			} else if (!(pm[i] & (PM_PRESENT | PM_SWAP | PM_GUARD))) {
				nw[i] |= PS_MISSING;
				act[i] = ACT_GUARD;
			}
		} else if (same && (w & PS_MISSING) && !(nw[i] & PS_MISSING)) {
			act[i] = ACT_UNGUARD;	/* now simply absent */
		}
	}
	/*
	 * Apply markers in runs.  A huge page's marker is its protection,
	 * which the restore below sets from the new words.
	 */
	for (i = 0; i < np; i = j) {
		for (j = i + 1; j < np && act[j] == act[i]; j++)
			;
		if (huge) {
			if (act[i] != ACT_NONE)
				hidden = true;
			continue;
		}
		if (act[i] == ACT_GUARD)
			err = guard_install(s + i * EMU_PAGE_SIZE, (j - i) * EMU_PAGE_SIZE);
		else if (act[i] == ACT_UNGUARD)
			err = guard_remove(s + i * EMU_PAGE_SIZE, (j - i) * EMU_PAGE_SIZE);
		if (err) {
			/* Undo the markers placed so far (on absent pages). */
			for (j = 0; j < i; j++)
				if (act[j] == ACT_GUARD)
					guard_remove(s + j * EMU_PAGE_SIZE, EMU_PAGE_SIZE);
			goto out;
		}
	}
out:
	if (hidden)
		restore_prot(s, np, err ? old : nw, prot);
	/* Publish (or restore): this drops BUSY. */
	for (i = 0; i < np; i++)
		atomic_store(pt_word(s + i * EMU_PAGE_SIZE), err ? old[i] : nw[i]);
	return err;
}

static int register_part(struct emu_ctx *ctx, uintptr_t s, uintptr_t e,
			 int prot, uint64_t mode, uint32_t kind)
{
	uintptr_t a;
	int err = 0;

	for (a = s; a < e && !err; a += REG_CHUNK * EMU_PAGE_SIZE) {
		uintptr_t ce = a + REG_CHUNK * EMU_PAGE_SIZE;

		err = register_chunk(ctx, a, ce < e ? ce : e, prot, mode, kind);
	}
	return err;
}

/*
 * VM_MAYWRITE and the kind of VMA @v, for REGISTER: vma_kind()'s answer.
 * VM_WRITE implies VM_MAYWRITE: only a shared VMA without PROT_WRITE needs
 * smaps, whose read walks every page table of the process.
 */
static int vma_classify(struct vma *v)
{
	if (v->shared)
		v->maywrite = (v->prot & PROT_WRITE) || maps_maywrite(v->start);
	return vma_kind(v, &v->kind);
}

int op_register(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_register r;
	uintptr_t start, end;
	struct vma *v = NULL;
	int n = 0, i, err, err0;
	sigset_t saved;
	uint64_t ioctls;
	bool huge = false;

	if (safe_read(&r, arg, sizeof(r) - sizeof(r.ioctls)))
		return -EFAULT;
	if (!r.mode || (r.mode & ~(uint64_t)UFFD_ALL_REGISTER_MODES))
		return -EINVAL;
	if (r.mode & ~(uint64_t)EMU_MODES)
		return -EINVAL;		/* as the kernel without arch support */
	err = validate_range(r.range.start, r.range.len);
	if (err)
		return err;
	start = (uintptr_t)r.range.start;
	end = start + (uintptr_t)r.range.len;

	emu_lock_acquire(&saved);
	err = live_vmas(ctx, start, end, &v, &n);
	if (err)
		goto out;
	/* A first VMA of hugetlb wants a start on a huge page boundary. */
	err0 = vma_classify(&v[0]);
	if ((v[0].kind & PS_HUGE) && (start & ~HUGE_MASK)) {
		err = -EINVAL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		uintptr_t s = v[i].start > start ? v[i].start : start;
		uintptr_t e = v[i].end < end ? v[i].end : end;
		uintptr_t a;

		/*
		 * Per VMA, in the kernel's order: EINVAL, EPERM, an end
		 * inside a huge page (EINVAL), then EBUSY.
		 */
		err = i ? vma_classify(&v[i]) : err0;
		if (err)
			goto out;
		if ((r.mode & UFFDIO_REGISTER_MODE_MINOR) && !(v[i].kind & PS_FILE)) {
			err = -EINVAL;
			goto out;
		}
		if (huge_cut(&v[i], end)) {
			err = -EINVAL;
			goto out;
		}
		huge |= (v[i].kind & PS_HUGE) != 0;
		for (a = s; a < e; a += EMU_PAGE_SIZE) {
			pageword_t *pw = pt_word(a);
			uint32_t c = pw ? PS_CTX(atomic_load(pw)) : 0;

			if (c && c != ctx->index) {
				err = -EBUSY;
				goto out;
			}
		}
	}
	for (i = 0; i < n; i++) {
		uintptr_t s = v[i].start > start ? v[i].start : start;
		uintptr_t e = v[i].end < end ? v[i].end : end;

		err = pt_ensure(s, e);
		if (!err)
			err = span_add(ctx, s, e);
		if (!err && (v[i].kind & PS_FILE))
			err = fspan_add(v[i].start, v[i].end, v[i].offset, s, e,
					v[i].shared);
		if (!err)
			err = register_part(ctx, s, e, v[i].prot, r.mode, v[i].kind);
		if (err)
			goto out;
	}
	ioctls = register_ioctls(r.mode, huge);
	if (safe_write(ARG_FIELD(arg, struct uffdio_register, ioctls), &ioctls,
		       sizeof(ioctls)))
		err = -EFAULT;
out:
	emu_lock_release(&saved);
	return err;
}

/* ---- UFFDIO_UNREGISTER / UFFDIO_WAKE ----------------------------------- */

/* Has @ctx registered any page of [s, e)? */
static bool ctx_owns(struct emu_ctx *ctx, uintptr_t s, uintptr_t e)
{
	uintptr_t a;

	for (a = s; a < e; a += EMU_PAGE_SIZE) {
		pageword_t *pw = pt_word(a);

		if (!pw)
			a = pt_leaf_end(a) - EMU_PAGE_SIZE;
		else if (PS_CTX(atomic_load(pw)) == ctx->index)
			return true;
	}
	return false;
}

int op_unregister(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_range r;
	uintptr_t start, end;
	struct vma *v = NULL;
	int n = 0, i, err;
	sigset_t saved;

	if (safe_read(&r, arg, sizeof(r)))
		return -EFAULT;
	err = validate_range(r.start, r.len);
	if (err)
		return err;
	start = (uintptr_t)r.start;
	end = start + (uintptr_t)r.len;

	emu_lock_acquire(&saved);
	err = live_vmas(ctx, start, end, &v, &n);
	if (err)
		goto out;
	for (i = 0; i < n; i++) {
		uintptr_t s = v[i].start > start ? v[i].start : start;
		uintptr_t e = v[i].end < end ? v[i].end : end;
		uintptr_t a;
		bool compatible = vma_compatible(&v[i]);

		/* A first VMA of hugetlb wants a start on a huge page boundary. */
		if (!i && (v[0].kind & PS_HUGE) && (start & ~HUGE_MASK)) {
			err = -EINVAL;
			goto out;
		}
		for (a = s; a < e; a += EMU_PAGE_SIZE) {
			pageword_t *pw = pt_word(a);
			uint32_t c = pw ? PS_CTX(atomic_load(pw)) : 0;

			if (c && c != ctx->index) {
				err = -EINVAL;	/* another uffd's (6.17+) */
				goto out;
			}
		}
		if (!compatible) {
			err = -EINVAL;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		uintptr_t s = v[i].start > start ? v[i].start : start;
		uintptr_t e = v[i].end < end ? v[i].end : end;

		/* The kernel cannot split a registered hugetlb VMA there. */
		if (huge_cut(&v[i], end) && ctx_owns(ctx, s, e)) {
			err = -EINVAL;
			goto out;
		}
		if (pages_clear(ctx, s, e, false))
			wake_range(ctx, s, e - s);
		fspan_drop(s, e);
	}
out:
	emu_lock_release(&saved);
	if (!err)
		queue_drain_stale_hint(ctx);
	return err;
}

int op_wake(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_range r;
	int err;

	if (safe_read(&r, arg, sizeof(r)))
		return -EFAULT;
	err = validate_range(r.start, r.len);
	if (err)
		return err;
	wake_range(ctx, r.start, r.len);
	queue_drain_stale_hint(ctx);
	return 0;
}

/*
 * Extend @ctx_index's registration (mode and protection of @word) to the
 * fresh, unpopulated pages [s, e): mremap growth, MREMAP_DONTUNMAP.
 * Caller holds emu_lock.
 */
void register_again(uint32_t ctx_index, uintptr_t s, uintptr_t e, uint32_t word)
{
	struct emu_ctx *ctx = ctx_get(ctx_index);
	uint32_t nw = PS_MAKE(ctx_index, PS_MODE(word), PS_PROT(word)) |
		      (word & (PS_FILE | PS_SHARED));
	uintptr_t a;

	if (!ctx || s >= e || pt_ensure(s, e) || span_add(ctx, s, e))
		return;
	if (PS_MODE(word) & UFFDIO_REGISTER_MODE_MISSING) {
		guard_install(s, e - s);
		nw |= PS_MISSING;
	}
	for (a = s; a < e; a += EMU_PAGE_SIZE)
		atomic_store(pt_word(a), nw);
}

/*
 * mremap() moved registered pages of @ctx_index to [s, e), words and
 * all: the context owns that range too, so that closing the uffd
 * unregisters it.  Caller holds emu_lock.
 */
void register_moved(uint32_t ctx_index, uintptr_t s, uintptr_t e)
{
	struct emu_ctx *ctx = ctx_get(ctx_index);

	if (ctx && s < e)
		span_add(ctx, s, e);
}
