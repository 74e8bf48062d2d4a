/* SPDX-License-Identifier: MIT */
/*
 * UFFDIO_COPY, UFFDIO_ZEROPAGE, UFFDIO_POISON and UFFDIO_MOVE of the
 * emulated engine: putting contents into absent pages atomically, without
 * creating VMAs.
 *
 * A copy claims a run of absent pages (PS_BUSY, invariant I2), then
 *   real_mprotect(PROT_NONE)    - nobody can see the pages from here on
 *   MADV_GUARD_REMOVE      - they are now ordinary absent pages
 *   pwrite(/proc/self/mem) - contents go in (FOLL_FORCE writes PROT_NONE)
 *   real_mprotect(protection)   - published; the VMA merges back with its
 *                            neighbours, so the VMA count is unchanged
 * and updates the page words.  A thread touching a page meanwhile faults
 * with SEGV_ACCERR, sees BUSY, waits and retries.  A zero page needs no
 * hiding: removing the marker leaves exactly the kernel's zero-page
 * behaviour (reads see zeros, a write is an ordinary copy-on-write).
 *
 * Every function here may run in a signal handler (UFFD_FEATURE_SIGBUS
 * handlers resolve their own faults): no allocation, no locks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "emu.h"
#include "real.h"
#include "sys.h"

enum fill_kind { FILL_COPY, FILL_ZERO, FILL_POISON, FILL_MOVE };

static void release_run(uintptr_t a, size_t n, uint32_t clear, uint32_t set);
static void release_run_tail(uintptr_t dst, size_t first, size_t claimed);

/*
 * Is a page without our marker actually absent?  Only asked for pages of
 * registrations without MISSING mode, which carry no marker.
 */
static bool page_none(uintptr_t a)
{
	uint64_t pm;

	return pagemap_read(a, 1, &pm) == 0 &&
	       !(pm & (PM_PRESENT | PM_SWAP | PM_GUARD));
}

/*
 * Claim page @a for @kind: true if it is absent in the kernel's sense for
 * this operation and nobody else holds it.  COPY and MOVE accept a page
 * behind a write-protect or poison marker; ZEROPAGE and POISON want a
 * "none" page (spec 7.5, 7.7).
 */
static bool page_claim(uintptr_t a, enum fill_kind kind)
{
	pageword_t *pw = pt_word(a);
	uint32_t w = atomic_load(pw);
	uint32_t refuse = PS_BUSY;

	if (kind == FILL_ZERO || kind == FILL_POISON)
		refuse |= PS_WP | PS_POISON;
	for (;;) {
		if (w & refuse)
			return false;
		if (!(w & PS_MISSING)) {
			if (PS_MODE(w) & UFFDIO_REGISTER_MODE_MISSING)
				return false;		/* present */
			if (!atomic_compare_exchange_weak(pw, &w, w | PS_BUSY))
				continue;
			if (page_none(a))
				return true;
			atomic_fetch_and(pw, ~PS_BUSY);
			return false;
		}
		if (atomic_compare_exchange_weak(pw, &w, w | PS_BUSY))
			return true;
	}
}

/* Claim the longest run at @dst; returns pages claimed. */
static size_t claim_run(uintptr_t dst, size_t npages, enum fill_kind kind)
{
	size_t i;

	for (i = 0; i < npages; i++)
		if (!page_claim(dst + i * EMU_PAGE_SIZE, kind))
			break;
	return i;
}

/*
 * Shared shmem: a page already in the page cache is "present" even with
 * no mapping of ours (COPY and ZEROPAGE answer EEXIST).  Keep only the
 * claimed pages before the first cached one; returns how many.
 */
static size_t drop_cached(uintptr_t dst, size_t claimed)
{
	size_t i;

	for (i = 0; i < claimed; i++)
		if (shm_cached(dst + i * EMU_PAGE_SIZE))
			break;
	release_run_tail(dst, i, claimed);
	return i;
}

/* Release @n claimed pages: @clear and @set applied, BUSY dropped. */
static void release_run(uintptr_t a, size_t n, uint32_t clear, uint32_t set)
{
	size_t i;

	for (i = 0; i < n; i++) {
		pageword_t *pw = pt_word(a + i * EMU_PAGE_SIZE);
		uint32_t w = atomic_load(pw);

		while (!atomic_compare_exchange_weak(pw, &w,
						     ((w & ~clear) | set) & ~PS_BUSY))
			;
	}
}

/* Release claimed pages [first, claimed) of the run at @dst untouched. */
static void release_run_tail(uintptr_t dst, size_t first, size_t claimed)
{
	if (claimed > first)
		release_run(dst + first * EMU_PAGE_SIZE, claimed - first, 0, 0);
}

/*
 * Into shared shmem: the page cache first (through the file), then the
 * markers go, so our mapping shows the page whole.
 */
static long install_shared(uintptr_t dst, uintptr_t src, size_t src_ok,
			   size_t len, int prot, bool wp)
{
	long r = shm_install(dst, src, src ? src_ok : 0, len);

	if (r <= 0)
		return r;
	if (wp && real_mprotect((void *)dst, (size_t)r, prot & ~PROT_WRITE))
		return -errno;
	guard_remove(dst, (size_t)r);
	return r;
}

/*
 * The checks mfill_atomic makes first: the destination lies in one
 * registered VMA (of any uffd of this process: spec 7.3).  Returns the
 * first page's word, or 0 with *err set.
 */
static uint32_t dst_check(uintptr_t dst, size_t len, int *err)
{
	pageword_t *pw = pt_word(dst);
	uint32_t w0 = pw ? atomic_load(pw) : 0;
	uintptr_t a;

	if (!PS_CTX(w0)) {
		*err = -ENOENT;
		return 0;
	}
	for (a = dst + EMU_PAGE_SIZE; a < dst + len; a += EMU_PAGE_SIZE) {
		pw = pt_word(a);
		if (!pw || ((atomic_load(pw) ^ w0) & PS_VMA_MASK)) {
			*err = -ENOENT;
			return 0;
		}
	}
	return w0;
}

/*
 * Write @len bytes from @src into the claimed absent pages at @dst and
 * publish them with protection @final.  Returns bytes installed (whole
 * pages) or -errno.
 */
static long install(uintptr_t dst, uintptr_t src, size_t src_ok, size_t len,
		    int prot, int final)
{
	int memfd = emu_memfd();
	bool hide = prot != PROT_NONE;
	ssize_t n;
	size_t done;
	int err = 0;

	if (memfd < 0)
		return -ENOMEM;
	if (hide && real_mprotect((void *)dst, len, PROT_NONE))
		return -errno;		/* ENOMEM: no VMA left for the split */
	guard_remove(dst, len);
	/* A remote source may be readable only in part: the rest faults. */
	n = src_ok ? pwrite(memfd, (void *)src, len < src_ok ? len : src_ok,
			    (off_t)dst) : (errno = EFAULT, -1);
	if (n < 0) {
		err = errno == EIO ? -EFAULT : -errno;
		n = 0;
	}
	done = (size_t)n & EMU_PAGE_MASK;
	if (done < len) {
		/* A partially written page must not survive: back to absent. */
		real_madvise((void *)(dst + done), len - done, MADV_DONTNEED);
		guard_install(dst + done, len - done);
		if (!err)
			err = -EFAULT;
	}
	if (hide || final != prot) {
		if (done)
			real_mprotect((void *)dst, done, final);
		if (done < len && hide)
			real_mprotect((void *)(dst + done), len - done, prot);
	}
	return done ? (long)done : err;
}

static long fill_copy(uintptr_t dst, uintptr_t src, size_t src_ok, size_t len,
		      bool wp)
{
	size_t claimed;
	uint32_t w0;
	int err = 0, prot;
	long r;

	w0 = dst_check(dst, len, &err);
	if (!w0)
		return err;
	if (wp && !(PS_MODE(w0) & UFFDIO_REGISTER_MODE_WP))
		return -EINVAL;
	claimed = claim_run(dst, len / EMU_PAGE_SIZE, FILL_COPY);
	if (claimed && (w0 & PS_SHARED))
		claimed = drop_cached(dst, claimed);
	if (!claimed)
		return -EEXIST;
	prot = PS_PROT(w0);
	if (w0 & PS_SHARED)
		r = install_shared(dst, src, src_ok, claimed * EMU_PAGE_SIZE, prot, wp);
	else
		r = install(dst, src, src_ok, claimed * EMU_PAGE_SIZE, prot,
			    wp ? prot & ~PROT_WRITE : prot);
	if (r < 0) {
		release_run(dst, claimed, 0, 0);
		return r;
	}
	release_run(dst, (size_t)r / EMU_PAGE_SIZE, PS_MISSING | PS_POISON | PS_WP,
		    wp ? PS_WP : 0);
	release_run(dst + (size_t)r, claimed - (size_t)r / EMU_PAGE_SIZE, 0, 0);
	return r;
}

static long fill_zero(uintptr_t dst, size_t len)
{
	size_t claimed, bytes;
	uint32_t w0;
	int err = 0;

	w0 = dst_check(dst, len, &err);
	if (!w0)
		return err;
	claimed = claim_run(dst, len / EMU_PAGE_SIZE, FILL_ZERO);
	if (claimed && (w0 & PS_SHARED))
		claimed = drop_cached(dst, claimed);
	if (!claimed)
		return -EEXIST;
	bytes = claimed * EMU_PAGE_SIZE;
	if (w0 & PS_FILE) {
		/* A zeroed page-cache page, or (private) a private zero copy. */
		static const char zero[EMU_PAGE_SIZE];
		long r = 0;
		size_t i;

		if (w0 & PS_SHARED)
			r = install_shared(dst, 0, 0, bytes, PS_PROT(w0), false);
		else
			for (i = 0; i < claimed && r >= 0; i++)
				r = install(dst + i * EMU_PAGE_SIZE, (uintptr_t)zero,
					    EMU_PAGE_SIZE, EMU_PAGE_SIZE, PS_PROT(w0),
					    PS_PROT(w0));
		if (r < 0) {
			release_run(dst, claimed, 0, 0);
			return r;
		}
		if (w0 & PS_SHARED)
			bytes = (size_t)r;
		release_run(dst, bytes / EMU_PAGE_SIZE, PS_MISSING, 0);
		release_run_tail(dst, bytes / EMU_PAGE_SIZE, claimed);
		return (long)bytes;
	}
	guard_remove(dst, bytes);
	/* Map the shared zero page, as the kernel does (pagemap: present). */
	if (PS_PROT(w0) & PROT_READ)
		real_madvise((void *)dst, bytes, MADV_POPULATE_READ);
	release_run(dst, claimed, PS_MISSING, 0);
	return (long)bytes;
}

static long fill_poison(uintptr_t dst, size_t len)
{
	size_t claimed, i;
	uint32_t w0;
	int err = 0;

	w0 = dst_check(dst, len, &err);
	if (!w0)
		return err;
	claimed = claim_run(dst, len / EMU_PAGE_SIZE, FILL_POISON);
	if (!claimed)
		return -EEXIST;
	/* Pages of a registration without MISSING mode have no marker yet. */
	for (i = 0; i < claimed; i++) {
		uintptr_t a = dst + i * EMU_PAGE_SIZE;

		if (!(atomic_load(pt_word(a)) & PS_MISSING))
			guard_install(a, EMU_PAGE_SIZE);
	}
	release_run(dst, claimed, 0, PS_MISSING | PS_POISON);
	return (long)(claimed * EMU_PAGE_SIZE);
}

/* The result-field protocol common to the fill ioctls (spec 7.1). */
static int fill_result(struct emu_ctx *ctx, long res, __s64 *field,
		       uint64_t dst, uint64_t len, bool dontwake)
{
	__s64 v = res;

	if (safe_write(field, &v, sizeof(v)))
		return -EFAULT;
	if (res < 0)
		return (int)res;
	if (!dontwake) {
		wake_range(ctx, dst, (uint64_t)res);
		queue_drain_stale_hint(ctx);
	}
	return (uint64_t)res == len ? 0 : -EAGAIN;
}

/*
 * UFFDIO_COPY with the contents taken from @data, of which @data_ok bytes
 * are readable (a copy made in another process arrives in a staging
 * buffer; the checks still see the caller's own src address).
 */
/*
 * Events in flight (spec 11.1 mmap_changing): the fill ioctls answer
 * EAGAIN, with -EAGAIN in the result field, before reading the struct.
 */
static int changing(struct emu_ctx *ctx, __s64 *field)
{
	__s64 v = -EAGAIN;

	if (!ctx_changing(ctx))
		return 0;
	return safe_write(field, &v, sizeof(v)) ? -EFAULT : -EAGAIN;
}

int op_copy_from(struct emu_ctx *ctx, void *arg, const void *data,
		 size_t data_ok)
{
	struct uffdio_copy c;
	int err;

	err = changing(ctx, &((struct uffdio_copy *)arg)->copy);
	if (err)
		return err;
	if (safe_read(&c, arg, sizeof(c) - sizeof(c.copy)))
		return -EFAULT;
	err = validate_unaligned_range(c.src, c.len);
	if (!err)
		err = validate_range(c.dst, c.len);
	if (err)
		return err;
	if (c.mode & ~(UFFDIO_COPY_MODE_DONTWAKE | UFFDIO_COPY_MODE_WP))
		return -EINVAL;
	return fill_result(ctx, fill_copy(c.dst, data ? (uintptr_t)data : c.src,
					  data_ok, c.len,
					  c.mode & UFFDIO_COPY_MODE_WP),
			   &((struct uffdio_copy *)arg)->copy, c.dst, c.len,
			   c.mode & UFFDIO_COPY_MODE_DONTWAKE);
}

int op_copy(struct emu_ctx *ctx, void *arg)
{
	return op_copy_from(ctx, arg, NULL, SIZE_MAX);
}

int op_zeropage(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_zeropage z;
	int err;

	err = changing(ctx, &((struct uffdio_zeropage *)arg)->zeropage);
	if (err)
		return err;
	if (safe_read(&z, arg, sizeof(z) - sizeof(z.zeropage)))
		return -EFAULT;
	err = validate_range(z.range.start, z.range.len);
	if (err)
		return err;
	if (z.mode & ~UFFDIO_ZEROPAGE_MODE_DONTWAKE)
		return -EINVAL;
	return fill_result(ctx, fill_zero(z.range.start, z.range.len),
			   &((struct uffdio_zeropage *)arg)->zeropage,
			   z.range.start, z.range.len,
			   z.mode & UFFDIO_ZEROPAGE_MODE_DONTWAKE);
}

int op_poison(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_poison p;
	int err;

	err = changing(ctx, &((struct uffdio_poison *)arg)->updated);
	if (err)
		return err;
	if (safe_read(&p, arg, sizeof(p) - sizeof(p.updated)))
		return -EFAULT;
	err = validate_range(p.range.start, p.range.len);
	if (err)
		return err;
	if (p.mode & ~UFFDIO_POISON_MODE_DONTWAKE)
		return -EINVAL;
	return fill_result(ctx, fill_poison(p.range.start, p.range.len),
			   &((struct uffdio_poison *)arg)->updated,
			   p.range.start, p.range.len,
			   p.mode & UFFDIO_POISON_MODE_DONTWAKE);
}

/* ---- UFFDIO_MOVE ------------------------------------------------------- */

/*
 * Make the moved-out source page absent: missing again (with a marker) if
 * it is registered in MISSING mode, else an ordinary absent page.
 */
static void src_vacate(uintptr_t a)
{
	pageword_t *pw = pt_word(a);
	uint32_t w = pw ? atomic_load(pw) : 0;

	real_madvise((void *)a, EMU_PAGE_SIZE, MADV_DONTNEED);
	if (PS_CTX(w) && (PS_MODE(w) & UFFDIO_REGISTER_MODE_MISSING)) {
		guard_install(a, EMU_PAGE_SIZE);
		atomic_fetch_and(pw, ~PS_WP);
		atomic_fetch_or(pw, PS_MISSING);
	}
}

/*
 * May the source page move?  The kernel wants it anon-exclusive: a page
 * shared copy-on-write at fork stays non-exclusive until written, even
 * after the child exits.  /proc/kpageflags shows that flag (bit 34,
 * PG_anon_exclusive shares PG_mappedtodisk) when we may read it (root);
 * otherwise pagemap's "mapped once" bit is the nearest we can see.
 */
#define KPF_ZERO_PAGE_BIT	24
#define KPF_ANON_EXCL_BIT	34
#define PM_PFN_MASK		((1ULL << 55) - 1)

static int src_movable(uint64_t pm)
{
	static int kfd = -2;
	uint64_t pfn = pm & PM_PFN_MASK, flags;

	if (kfd == -2)
		kfd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (pfn && kfd >= 0 &&
	    pread(kfd, &flags, sizeof(flags), (off_t)(pfn * sizeof(flags))) ==
	    (ssize_t)sizeof(flags)) {
		if (flags & (1ULL << KPF_ZERO_PAGE_BIT))
			return 1;
		return (flags >> KPF_ANON_EXCL_BIT) & 1;
	}
	return (pm & PM_EXCLUSIVE) ? 1 : -1;	/* -1: unknown, check zeros */
}

static bool page_all_zero(uintptr_t a)
{
	const uint64_t *p = (const uint64_t *)a;
	size_t i;

	for (i = 0; i < EMU_PAGE_SIZE / sizeof(*p); i++)
		if (p[i])
			return false;
	return true;
}

/*
 * Move pages one at a time (spec 7.8): each destination page must be
 * absent, each source page present and exclusive to this process (a page
 * shared copy-on-write with a fork child is EBUSY), unless it is a hole
 * and ALLOW_SRC_HOLES is given.  The contents are copied, then the source
 * page is dropped.
 */
static long fill_move(struct emu_ctx *ctx, uintptr_t dst, uintptr_t src,
		      size_t len, bool holes)
{
	size_t np = len / EMU_PAGE_SIZE, i;
	pageword_t *pw0 = pt_word(dst);
	uint32_t w0 = pw0 ? atomic_load(pw0) : 0;
	uintptr_t a;
	long done = 0;
	int prot;

	if (PS_CTX(w0) != ctx->index)
		return -EINVAL;		/* dst must be registered with us */
	for (a = dst; a < dst + len; a += EMU_PAGE_SIZE) {
		pageword_t *pw = pt_word(a);

		if (!pw || ((atomic_load(pw) ^ w0) & PS_VMA_MASK))
			return -EINVAL;	/* crosses the VMA end */
	}
	prot = PS_PROT(w0);
	for (i = 0; i < np; i++) {
		uintptr_t d = dst + i * EMU_PAGE_SIZE, s = src + i * EMU_PAGE_SIZE;
		uint64_t pm;
		int movable;
		long r;

		/* The destination first: the kernel reports EEXIST before ENOENT. */
		if (!page_claim(d, FILL_MOVE))
			return done ? done : -EEXIST;
		if (pagemap_read(s, 1, &pm)) {
			release_run(d, 1, 0, 0);
			return done ? done : -EFAULT;
		}
		if (!(pm & (PM_PRESENT | PM_SWAP)) || (pm & PM_GUARD)) {
			release_run(d, 1, 0, 0);
			if (!holes)
				return done ? done : -ENOENT;
			done += (long)EMU_PAGE_SIZE;
			continue;
		}
		movable = src_movable(pm);
		if (!movable || (movable < 0 && !page_all_zero(s))) {
			release_run(d, 1, 0, 0);
			return done ? done : -EBUSY;
		}
		r = install(d, s, EMU_PAGE_SIZE, EMU_PAGE_SIZE, prot, prot);
		if (r < 0) {
			release_run(d, 1, 0, 0);
			return done ? done : r;
		}
		release_run(d, 1, PS_MISSING | PS_POISON | PS_WP, 0);
		src_vacate(s);
		done += (long)EMU_PAGE_SIZE;
	}
	return done;
}

/*
 * The source must be private anonymous memory with the destination's
 * protection; checked against /proc/self/maps.  Not async-signal-safe, and
 * only done when the source is not registered memory we already know.
 */
static int move_src_check(uintptr_t src, size_t len, int prot)
{
	pageword_t *pw = pt_word(src);
	uint32_t w = pw ? atomic_load(pw) : 0;
	struct vma *v = NULL;
	int n = 0, err;
	uintptr_t a;

	if (PS_CTX(w)) {
		for (a = src; a < src + len; a += EMU_PAGE_SIZE) {
			pw = pt_word(a);
			if (!pw || ((atomic_load(pw) ^ w) & PS_VMA_MASK))
				goto slow;
		}
		return PS_PROT(w) == prot ? 0 : -EINVAL;
	}
slow:
	err = maps_read(src, src + len, &v, &n);
	if (err)
		return err;
	if (!n || v[0].start > src || v[0].end < src + len)
		err = n && v[0].start <= src ? -EINVAL : -ENOENT;
	else if (!v[0].anon || v[0].shared || v[0].prot != prot)
		err = -EINVAL;
	return err;
}

int op_move(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_move m;
	pageword_t *pw;
	long res;
	int err;

	err = changing(ctx, &((struct uffdio_move *)arg)->move);
	if (err)
		return err;
	if (safe_read(&m, arg, sizeof(m) - sizeof(m.move)))
		return -EFAULT;
	err = validate_range(m.dst, m.len);
	if (!err)
		err = validate_range(m.src, m.len);
	if (err)
		return err;
	if (m.mode & ~(UFFDIO_MOVE_MODE_DONTWAKE | UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES))
		return -EINVAL;
	pw = pt_word(m.dst);
	if (!pw || !PS_CTX(atomic_load(pw)))
		res = maps_read_covers(m.dst) ? -EINVAL : -ENOENT;
	else {
		err = move_src_check(m.src, m.len, PS_PROT(atomic_load(pw)));
		res = err ? err : fill_move(ctx, m.dst, m.src, m.len,
					    m.mode & UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES);
	}
	return fill_result(ctx, res, &((struct uffdio_move *)arg)->move,
			   m.dst, m.len, m.mode & UFFDIO_MOVE_MODE_DONTWAKE);
}

/* ---- UFFDIO_CONTINUE (spec 7.6) ----------------------------------------- */

/*
 * Map pages that are in the page cache but not in our mapping: remove
 * their markers.  EEXIST when mapped already, EFAULT when not in the
 * cache, EINVAL (in the field) on memory other than shmem.
 */
static long fill_continue(uintptr_t dst, size_t len, bool wp)
{
	size_t i, np = len / EMU_PAGE_SIZE;
	uint32_t w0;
	int err = 0;

	w0 = dst_check(dst, len, &err);
	if (!w0)
		return err;
	if (!(w0 & PS_FILE))
		return -EINVAL;
	if (wp && !(PS_MODE(w0) & UFFDIO_REGISTER_MODE_WP))
		return -EINVAL;
	for (i = 0; i < np; i++) {
		uintptr_t a = dst + i * EMU_PAGE_SIZE;
		pageword_t *pw = pt_word(a);
		uint32_t w = atomic_load(pw);
		uint64_t pm;

		if (!(w & PS_MISSING)) {
			/* No marker of ours: mapped already, unless never touched. */
			if (pagemap_read(a, 1, &pm) || (pm & (PM_PRESENT | PM_SWAP))) {
				err = -EEXIST;
				break;
			}
		}
		if (!shm_cached(a)) {
			err = -EFAULT;
			break;
		}
		if (!page_claim(a, FILL_COPY)) {
			err = -EEXIST;
			break;
		}
		if (wp)
			real_mprotect((void *)a, EMU_PAGE_SIZE,
				      PS_PROT(w0) & ~PROT_WRITE);
		guard_remove(a, EMU_PAGE_SIZE);
		/* Mapped now, as the kernel's CONTINUE installs the PTE. */
		if (PS_PROT(w0) & PROT_READ)
			real_madvise((void *)a, EMU_PAGE_SIZE, MADV_POPULATE_READ);
		release_run(a, 1, PS_MISSING | PS_WP, wp ? PS_WP : 0);
	}
	return i ? (long)(i * EMU_PAGE_SIZE) : err;
}

int op_continue(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_continue c;
	int err;

	err = changing(ctx, &((struct uffdio_continue *)arg)->mapped);
	if (err)
		return err;
	if (safe_read(&c, arg, sizeof(c) - sizeof(c.mapped)))
		return -EFAULT;
	err = validate_range(c.range.start, c.range.len);
	if (err)
		return err;
	if (c.mode & ~(UFFDIO_CONTINUE_MODE_DONTWAKE | UFFDIO_CONTINUE_MODE_WP))
		return -EINVAL;
	return fill_result(ctx, fill_continue(c.range.start, c.range.len,
					      c.mode & UFFDIO_CONTINUE_MODE_WP),
			   &((struct uffdio_continue *)arg)->mapped,
			   c.range.start, c.range.len,
			   c.mode & UFFDIO_CONTINUE_MODE_DONTWAKE);
}
