/* SPDX-License-Identifier: MIT */
/*
 * Faults inside system calls.
 *
 * With a kernel uffd (without UFFD_USER_MODE_ONLY), read(pipe, buf) into a
 * missing page blocks in the kernel, the handler resolves the page, and
 * the call completes.  System calls raise no signal, so with the emulated
 * engine the same call fails with EFAULT.  Before the common calls that
 * read or write user buffers (listed in docs/preload.md), the preload shim
 * touches the buffer's registered, missing (or, for writes, write-
 * protected) pages from user mode first: the handler sees the fault it
 * would have seen, resolves it, and the call then succeeds.
 *
 *  - a buffer the kernel will write is touched with an atomic add of zero:
 *    a write access (the message says WRITE, as the kernel's would) that
 *    leaves the contents unchanged;
 *  - a buffer the kernel will read is touched with a load;
 *  - uffds created with UFFD_USER_MODE_ONLY are left alone (their callers
 *    asked for EFAULT), and so are those with UFFD_FEATURE_SIGBUS (the
 *    kernel's answer there is EFAULT too) and poisoned pages -- except
 *    for writes to pages a WP_ASYNC uffd protects, which the kernel
 *    resolves without asking anyone.
 *
 * Off unless the preload shim (or UFFD_PRETOUCH=1) turns it on; it then
 * costs one predictable branch per call when nothing is registered.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "emu/emu.h"

bool pretouch_enabled;

static bool page_wants_touch(uint32_t w, bool write)
{
	struct emu_ctx *ctx;
	uint64_t feat;

	if (!PS_CTX(w) || (w & PS_POISON))
		return false;
	if (!(w & PS_MISSING) && !(write && (w & PS_WP)))
		return false;
	ctx = ctx_get(PS_CTX(w));
	if (!ctx || ctx->remote || !ctx->sh)
		return false;
	feat = ctx_features(ctx);
	/*
	 * A write to a write-protected page of a WP_ASYNC uffd is resolved by
	 * the kernel itself, for a system call too, whatever the uffd's flags.
	 */
	if (write && (w & PS_WP) && (feat & UFFD_FEATURE_WP_ASYNC) &&
	    (PS_MODE(w) & UFFDIO_REGISTER_MODE_WP) &&
	    !((w & PS_MISSING) && (PS_MODE(w) & UFFDIO_REGISTER_MODE_MISSING)))
		return true;
	if (ctx->flags & UFFD_USER_MODE_ONLY)
		return false;
	return !(feat & UFFD_FEATURE_SIGBUS);
}

__attribute__((noinline)) static void touch(volatile char *p, bool write)
{
	if (write)
		__atomic_fetch_add(p, 0, __ATOMIC_RELAXED);
	else
		(void)*p;
}

void pretouch_pages(const void *buf, size_t len, bool write)
{
	uintptr_t s = (uintptr_t)buf & EMU_PAGE_MASK, e, a;

	if (likely(!pretouch_enabled) || !len || !buf)
		return;
	e = ((uintptr_t)buf + len + EMU_PAGE_SIZE - 1) & EMU_PAGE_MASK;
	if (e < s || !pt_maybe(s, e))
		return;
	for (a = s; a < e; a += EMU_PAGE_SIZE) {
		pageword_t *pw = pt_word(a);

		if (!pw) {
			a = pt_leaf_end(a) - EMU_PAGE_SIZE;
			continue;
		}
		if (page_wants_touch(atomic_load(pw), write))
			touch((volatile char *)(a > (uintptr_t)buf ? a : (uintptr_t)buf),
			      write);
	}
}

void pretouch_iov(const struct iovec *iov, int n, bool write)
{
	int i;

	if (likely(!pretouch_enabled) || !iov ||
	    !atomic_load_explicit(&pt_any, memory_order_relaxed))
		return;
	for (i = 0; i < n; i++)
		pretouch(iov[i].iov_base, iov[i].iov_len, write);
}

__attribute__((constructor(103))) static void pretouch_env(void)
{
	const char *s = getenv("UFFD_PRETOUCH");

	if (s && *s && strcmp(s, "0"))
		pretouch_enabled = true;
}
