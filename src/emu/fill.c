/* SPDX-License-Identifier: MIT */
/*
 * UFFDIO_COPY, UFFDIO_ZEROPAGE, UFFDIO_POISON and UFFDIO_CONTINUE of the
 * emulated engine: putting contents into absent pages atomically, without
 * creating VMAs (UFFDIO_MOVE, which shares the claiming and installing
 * below, is in move.c).
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
#include <sched.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

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
 * this operation and nobody else holds it.  COPY accepts a page behind a
 * write-protect or poison marker; ZEROPAGE, POISON and MOVE want a "none"
 * page (spec 7.5, 7.7, 7.8).
 *
 * A page another thread holds BUSY may be one it is filling right now.
 * Answering EEXIST for it would tell the caller the page is in before it
 * is (the kernel answers EEXIST only for a page already mapped), so with
 * @wait the claim waits for the owner and looks again.  Only the first page
 * of a run waits, holding nothing (page_take() owners take pages in
 * address order and never wait here): a busy page further on ends the run,
 * and the caller reports the shorter count, as the kernel does when
 * another thread wins a page part-way through a copy.
 */
bool page_claim(uintptr_t a, enum fill_kind kind, bool wait)
{
	pageword_t *pw = pt_word(a);
	uint32_t w = atomic_load(pw);
	uint32_t refuse = 0;

	/*
	 * The kernel installs a COPY over a WP or POISON marker, and a shmem
	 * ZEROPAGE too (both go through the install that accepts markers);
	 * an anonymous ZEROPAGE, MOVE and CONTINUE want a truly empty entry.
	 */
	if (kind != FILL_COPY && !(kind == FILL_ZERO && (w & PS_SHARED)))
		refuse |= PS_WP | PS_POISON;
	for (;;) {
		if (w & PS_BUSY) {
			if (!wait)
				return false;
			sched_yield();
			w = atomic_load(pw);
			continue;
		}
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
		if (!page_claim(dst + i * EMU_PAGE_SIZE, kind, i == 0))
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
void release_run(uintptr_t a, size_t n, uint32_t clear, uint32_t set)
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
 * Shmem pages now in the page cache: drop our markers and map them in the
 * registered range at once, as the kernel's install maps the PTE (K7).
 */
static void shared_map(uintptr_t a, size_t len, int prot)
{
	guard_remove(a, len);
	if (prot & PROT_READ)
		real_madvise((void *)a, len, MADV_POPULATE_READ);
}

/*
 * Into shared shmem: the page cache first (through the file), then the
 * markers go, so our mapping shows the page whole.  @zero: zeros, not
 * @src (UFFDIO_ZEROPAGE).
 */
static long install_shared(uintptr_t dst, uintptr_t src, size_t src_ok,
			   size_t len, int prot, bool wp, bool zero)
{
	long r = shm_install(dst, src, src_ok, len, zero);

	if (r <= 0)
		return r;
	if (wp && real_mprotect((void *)dst, (size_t)r, prot_wp(prot)))
		return -errno;
	shared_map(dst, (size_t)r, prot);
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
 * Pages of a failed install go back to what they were: absent, and behind
 * a marker again where the page word says one belongs (I3: PS_MISSING),
 * so pages of registrations without MISSING mode stay plain absent pages.
 */
static void unwind(uintptr_t a, size_t len)
{
	uintptr_t e = a + len;

	/* A partly written page must not survive. */
	real_madvise((void *)a, len, MADV_DONTNEED);
	for (; a < e; a += EMU_PAGE_SIZE)
		if (atomic_load(pt_word(a)) & PS_MISSING)
			guard_install(a, EMU_PAGE_SIZE);
}

/*
 * pwrite() of /proc/self/mem answers EFAULT for a source that faults
 * part-way, without saying how much went in.  The kernel's copy installs
 * the readable pages and reports their count, so find that prefix one
 * page at a time (rewriting a page already written is harmless: the
 * pages are still hidden and ours).
 */
static size_t readable_prefix(int memfd, uintptr_t dst, uintptr_t src,
			      size_t len)
{
	size_t done;

	for (done = 0; done < len; done += EMU_PAGE_SIZE)
		if (real_pwrite(memfd, (void *)(src + done), EMU_PAGE_SIZE,
			   (off_t)(dst + done)) != (ssize_t)EMU_PAGE_SIZE)
			break;
	return done;
}

/*
 * Write @len bytes from @src into the claimed absent pages at @dst and
 * publish them with protection @final.  Returns bytes installed (whole
 * pages) or -errno.
 */
long install(uintptr_t dst, uintptr_t src, size_t src_ok, size_t len,
	     int prot, int final)
{
	int memfd = emu_memfd();
	bool hide = prot != PROT_NONE;
	size_t want = len < src_ok ? len : src_ok, done = 0;
	ssize_t n = -1;
	int err = -EFAULT;

	if (memfd < 0)
		return -ENOMEM;
	if (hide && real_mprotect((void *)dst, len, PROT_NONE))
		return -errno;		/* ENOMEM: no VMA left for the split */
	guard_remove(dst, len);
	/* A remote source may be readable only in part: the rest faults. */
	if (want)
		n = real_pwrite(memfd, (void *)src, want, (off_t)dst);
	if (n >= 0) {
		done = (size_t)n & EMU_PAGE_MASK;
	} else {
		err = errno == EIO ? -EFAULT : -errno;
		if (err == -EFAULT && want > EMU_PAGE_SIZE)
			done = readable_prefix(memfd, dst, src, want & EMU_PAGE_MASK);
	}
	if (done < len)
		unwind(dst + done, len - done);
	if (hide || final != prot) {
		if (done)
			real_mprotect((void *)dst, done, final);
		if (done < len && hide)
			real_mprotect((void *)(dst + done), len - done, prot);
	}
	return done ? (long)done : err;
}

/*
 * Can the first source page be read?  The kernel copies the source before
 * it looks at the destination, so a COPY onto a present page with an
 * unreadable source fails with EFAULT, not EEXIST.  The page may straddle
 * two (src need not be aligned): its first and last bytes are loaded from
 * user mode, with the access rules of the kernel's copy_from_user() (a
 * PROT_WRITE page is readable on x86) and with its effect on an absent
 * page (the zero page is mapped).
 */
static bool src_readable(uintptr_t src, size_t src_ok)
{
	char b;

	return src_ok >= EMU_PAGE_SIZE && !safe_read(&b, (void *)src, 1) &&
	       !safe_read(&b, (void *)(src + EMU_PAGE_SIZE - 1), 1);
}

/*
 * Source pages in a registered range that are write-protected but were
 * never populated carry a marker the kernel's read of the source (pwrite
 * from it) cannot pass, where the kernel itself would read zeros: a read
 * does not fault on write protection.  So read one byte of each source
 * page first, in order, as an access of our own: the fault handler maps
 * the zero page under a marker, as it does for the application's reads.
 * Stop at the first page that cannot be read (missing, PROT_NONE, a hole):
 * the kernel's copy stops there too and never reads what follows (K18).
 * A page we hold BUSY ourselves (src overlapping dst) is not touched.
 */
void src_prefault(uintptr_t src, size_t src_ok, size_t len)
{
	uintptr_t a, end = src + (src_ok < len ? src_ok : len);
	char b;

	for (a = src & EMU_PAGE_MASK; a < end; a += EMU_PAGE_SIZE) {
		pageword_t *pw = pt_word(a);
		uint32_t w = pw ? atomic_load(pw) : 0;

		if ((w & PS_BUSY) || safe_read(&b, (void *)(a > src ? a : src), 1))
			break;
	}
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
	if (w0 & PS_HUGE)
		return huge_fill(HUGE_COPY, dst, src, src_ok, len, wp);
	/*
	 * A source that overlaps the destination: the kernel copies page by
	 * page, each source page read (and so faulted in) before its
	 * destination is looked at -- an absent page of a registration
	 * without MISSING mode becomes the zero page, and a page installed
	 * is the source of a later one.  So do the same, one page at a time.
	 */
	if (src < dst + len && dst < src + len) {
		size_t off;
		long done = 0;

		if (!src_readable(src, src_ok))
			return -EFAULT;
		if (len > EMU_PAGE_SIZE) {
			for (off = 0; off < len; off += EMU_PAGE_SIZE) {
				r = fill_copy(dst + off, src + off,
					      src_ok > off ? src_ok - off : 0,
					      EMU_PAGE_SIZE, wp);
				if (r < 0)
					return done ? done : r;
				done += r;
			}
			return done;
		}
	}
	claimed = claim_run(dst, len / EMU_PAGE_SIZE, FILL_COPY);
	if (claimed && (w0 & PS_SHARED))
		claimed = drop_cached(dst, claimed);
	if (!claimed)
		return src_readable(src, src_ok) ? -EEXIST : -EFAULT;
	/* Only the source of the pages being installed, as the kernel reads. */
	src_prefault(src, src_ok, claimed * EMU_PAGE_SIZE);
	prot = PS_PROT(w0);
	if (w0 & PS_SHARED)
		r = install_shared(dst, src, src_ok, claimed * EMU_PAGE_SIZE, prot, wp,
				   false);
	else
		r = install(dst, src, src_ok, claimed * EMU_PAGE_SIZE, prot,
			    wp ? prot_wp(prot) : prot);
	if (r < 0) {
		release_run(dst, claimed, 0, 0);
		return r;
	}
	release_run(dst, (size_t)r / EMU_PAGE_SIZE, PS_MISSING | PS_POISON | PS_WP,
		    wp ? PS_WP : 0);
	release_run(dst + (size_t)r, claimed - (size_t)r / EMU_PAGE_SIZE, 0, 0);
	/*
	 * Stopped at a present page: the kernel read that page's source
	 * before it found the page present (an absent source page is
	 * faulted in).
	 */
	if ((size_t)r == claimed * EMU_PAGE_SIZE && (size_t)r < len)
		(void)src_readable(src + (size_t)r,
				   src_ok > (size_t)r ? src_ok - (size_t)r : 0);
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
	if (w0 & PS_HUGE)
		return -EINVAL;		/* no zero page for hugetlb */
	claimed = claim_run(dst, len / EMU_PAGE_SIZE, FILL_ZERO);
	if (claimed && (w0 & PS_SHARED))
		claimed = drop_cached(dst, claimed);
	if (!claimed)
		return -EEXIST;
	bytes = claimed * EMU_PAGE_SIZE;
	if ((w0 & PS_FILE) || !(PS_PROT(w0) & PROT_READ)) {
		/*
		 * A zeroed page-cache page, or a private zero copy: in a
		 * private file mapping, and in a VMA without PROT_READ, where
		 * the kernel maps the zero page but we cannot populate one (a
		 * second ZEROPAGE must find the page present).
		 */
		static const char zero[EMU_PAGE_SIZE];
		long r = 0;
		size_t i;

		if (w0 & PS_SHARED) {
			r = install_shared(dst, 0, 0, bytes, PS_PROT(w0), false, true);
			bytes = r > 0 ? (size_t)r : 0;
		} else {
			for (i = 0; i < claimed; i++) {
				r = install(dst + i * EMU_PAGE_SIZE, (uintptr_t)zero,
					    EMU_PAGE_SIZE, EMU_PAGE_SIZE, PS_PROT(w0),
					    PS_PROT(w0));
				if (r < 0)
					break;
			}
			bytes = i * EMU_PAGE_SIZE;
		}
		/*
		 * A WP or poison marker replaced (shmem) leaves a plain
		 * page: unprotected, and no longer poisoned (K24).
		 */
		release_run(dst, bytes / EMU_PAGE_SIZE, PS_MISSING | PS_POISON | PS_WP, 0);
		release_run_tail(dst, bytes / EMU_PAGE_SIZE, claimed);
		return bytes ? (long)bytes : r;
	}
	guard_remove(dst, bytes);
	/* Map the shared zero page, as the kernel does (pagemap: present). */
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
	if (w0 & PS_HUGE)
		return huge_fill(HUGE_POISON, dst, 0, 0, len, false);
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
int fill_result(struct emu_ctx *ctx, long res, __s64 *field,
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
int fill_changing(struct emu_ctx *ctx, __s64 *field)
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

	err = fill_changing(ctx, ARG_FIELD(arg, struct uffdio_copy, copy));
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
			   ARG_FIELD(arg, struct uffdio_copy, copy), c.dst, c.len,
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

	err = fill_changing(ctx, ARG_FIELD(arg, struct uffdio_zeropage, zeropage));
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
			   ARG_FIELD(arg, struct uffdio_zeropage, zeropage),
			   z.range.start, z.range.len,
			   z.mode & UFFDIO_ZEROPAGE_MODE_DONTWAKE);
}

int op_poison(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_poison p;
	int err;

	err = fill_changing(ctx, ARG_FIELD(arg, struct uffdio_poison, updated));
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
			   ARG_FIELD(arg, struct uffdio_poison, updated),
			   p.range.start, p.range.len,
			   p.mode & UFFDIO_POISON_MODE_DONTWAKE);
}

/* ---- UFFDIO_CONTINUE (spec 7.6) ----------------------------------------- */

/*
 * Map pages that are in the page cache but not in our mapping: remove
 * their markers.  EEXIST when mapped already, EFAULT when not in the
 * cache, EINVAL (in the field) on memory other than shmem and hugetlb.
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
	if (w0 & PS_HUGE)
		return huge_fill(HUGE_CONTINUE, dst, 0, 0, len, wp);
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
		if (!page_claim(a, FILL_COPY, true)) {
			err = -EEXIST;
			break;
		}
		if (wp)
			real_mprotect((void *)a, EMU_PAGE_SIZE,
				      prot_wp(PS_PROT(w0)));
		shared_map(a, EMU_PAGE_SIZE, PS_PROT(w0));
		release_run(a, 1, PS_MISSING | PS_WP, wp ? PS_WP : 0);
	}
	return i ? (long)(i * EMU_PAGE_SIZE) : err;
}

int op_continue(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_continue c;
	int err;

	err = fill_changing(ctx, ARG_FIELD(arg, struct uffdio_continue, mapped));
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
			   ARG_FIELD(arg, struct uffdio_continue, mapped),
			   c.range.start, c.range.len,
			   c.mode & UFFDIO_CONTINUE_MODE_DONTWAKE);
}
