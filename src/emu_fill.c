/* SPDX-License-Identifier: MIT */
/*
 * UFFDIO_COPY and UFFDIO_ZEROPAGE of the emulated engine: installing
 * contents into missing pages atomically, without creating VMAs.
 *
 * A copy claims a run of missing pages (PS_BUSY, invariant I2), then
 *   mprotect(PROT_NONE)  - nobody can see the page from here on
 *   MADV_GUARD_REMOVE    - the page is now an ordinary absent page
 *   pwrite(/proc/self/mem) - contents go in (FOLL_FORCE writes PROT_NONE)
 *   mprotect(original)   - published; the VMA merges back with its
 *                          neighbours, so the VMA count is unchanged
 * and clears BUSY|MISSING.  A thread touching the page meanwhile faults with
 * SEGV_ACCERR, sees BUSY, waits, and retries.  A zero page needs no hiding:
 * removing the marker leaves exactly the kernel's "zero page" behaviour.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "emu.h"
#include "sys.h"

/* Claim page @a if it is missing and free: true on success. */
static bool page_claim(pageword_t *pw)
{
	uint32_t w = atomic_load(pw);

	while ((w & (PS_MISSING | PS_BUSY)) == PS_MISSING) {
		if (atomic_compare_exchange_weak(pw, &w, w | PS_BUSY))
			return true;
	}
	return false;
}

/*
 * The checks mfill_atomic makes before touching a page: the destination
 * must lie in one registered VMA (of any uffd of this process).  Returns the
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

/* Claim the longest run of missing pages at @dst; pages claimed. */
static size_t claim_run(uintptr_t dst, size_t npages)
{
	size_t i;

	for (i = 0; i < npages; i++)
		if (!page_claim(pt_word(dst + i * EMU_PAGE_SIZE)))
			break;
	return i;
}

/* Finish @n claimed pages from @a: installed ones lose MISSING. */
static void publish(uintptr_t a, size_t n, bool installed, uint32_t set)
{
	size_t i;

	for (i = 0; i < n; i++) {
		pageword_t *pw = pt_word(a + i * EMU_PAGE_SIZE);

		if (installed) {
			atomic_fetch_or(pw, set);
			atomic_fetch_and(pw, ~(PS_MISSING | PS_BUSY));
		} else {
			atomic_fetch_and(pw, ~PS_BUSY);
		}
	}
}

/*
 * Write @len bytes from @src into the claimed, guard-marked pages at @dst.
 * Returns bytes installed (whole pages) or -errno.
 */
static long install(uintptr_t dst, uintptr_t src, size_t len, int prot)
{
	int memfd = emu_memfd();
	bool hide = prot != PROT_NONE;
	ssize_t n;
	size_t done;
	int err = 0;

	if (memfd < 0)
		return -ENOMEM;
	if (hide && mprotect((void *)dst, len, PROT_NONE))
		return -errno;		/* ENOMEM: no VMA left for the split */
	guard_remove(dst, len);
	n = pwrite(memfd, (void *)src, len, (off_t)dst);
	if (n < 0) {
		err = errno == EIO ? -EFAULT : -errno;
		n = 0;
	}
	done = (size_t)n & EMU_PAGE_MASK;
	if (done < len) {
		/* A partially written page must not survive: back to missing. */
		madvise((void *)(dst + done), len - done, MADV_DONTNEED);
		guard_install(dst + done, len - done);
		if (!err)
			err = -EFAULT;
	}
	if (hide)
		mprotect((void *)dst, len, prot);
	return done ? (long)done : err;
}

static long fill_copy(uintptr_t dst, uintptr_t src, size_t len, bool wp)
{
	size_t np = len / EMU_PAGE_SIZE, claimed;
	uint32_t w0;
	long r;
	int err = 0;

	w0 = dst_check(dst, len, &err);
	if (!w0)
		return err;
	if (wp && !(PS_MODE(w0) & UFFDIO_REGISTER_MODE_WP))
		return -EINVAL;
	claimed = claim_run(dst, np);
	if (!claimed)
		return -EEXIST;
	r = install(dst, src, claimed * EMU_PAGE_SIZE, PS_PROT(w0));
	if (r > 0) {
		size_t ok = (size_t)r / EMU_PAGE_SIZE;

		publish(dst, ok, true, wp ? PS_WP : 0);
		publish(dst + (size_t)r, claimed - ok, false, 0);
		return r;
	}
	publish(dst, claimed, false, 0);
	return r;
}

static long fill_zero(uintptr_t dst, size_t len)
{
	size_t np = len / EMU_PAGE_SIZE, claimed;
	uint32_t w0;
	int err = 0;

	w0 = dst_check(dst, len, &err);
	if (!w0)
		return err;
	claimed = claim_run(dst, np);
	if (!claimed)
		return -EEXIST;
	guard_remove(dst, claimed * EMU_PAGE_SIZE);
	/* Map the shared zero page, as the kernel does (pagemap: present). */
	if (PS_PROT(w0) & PROT_READ)
		madvise((void *)dst, claimed * EMU_PAGE_SIZE, MADV_POPULATE_READ);
	publish(dst, claimed, true, 0);
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

int op_copy(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_copy c;
	int err;

	if (safe_read(&c, arg, sizeof(c) - sizeof(c.copy)))
		return -EFAULT;
	err = validate_unaligned_range(c.src, c.len);
	if (!err)
		err = validate_range(c.dst, c.len);
	if (err)
		return err;
	if (c.mode & ~(UFFDIO_COPY_MODE_DONTWAKE | UFFDIO_COPY_MODE_WP))
		return -EINVAL;
	return fill_result(ctx, fill_copy(c.dst, c.src, c.len,
					  c.mode & UFFDIO_COPY_MODE_WP),
			   &((struct uffdio_copy *)arg)->copy, c.dst, c.len,
			   c.mode & UFFDIO_COPY_MODE_DONTWAKE);
}

int op_zeropage(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_zeropage z;
	int err;

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
