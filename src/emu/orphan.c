/* SPDX-License-Identifier: MIT */
/*
 * The orphan policy on the emulated engine (src/orphan.c has the API):
 * the service thread looks at the queue, and a fault queued longer than
 * the timeout (read or not) is resolved by the policy:
 *	SIGBUS	 the waiting thread raises SIGBUS, BUS_ADRERR at the exact
 *		 address (as with UFFD_FEATURE_SIGBUS);
 *	ZEROFILL a zero page is installed (UFFDIO_ZEROPAGE), or a write-
 *		 protected page unprotected, and the thread continues.
 * A handler process that read messages and died has its faults resolved
 * at once (orphan_reader_died, from the owner side of emu/remote.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include "emu/emu.h"
#include "base/sys.h"

/* Resolve one orphaned fault slot of @ctx by its policy. */
static void orphan_resolve(struct emu_ctx *ctx, struct emu_slot *s, int policy)
{
	uint64_t page = s->addr & EMU_PAGE_MASK;
	pageword_t *pw = pt_word(page);
	uint32_t w = pw ? atomic_load(pw) : 0;

	if (policy == UFFD_ORPHAN_SIGBUS) {
		s->flags |= SLOT_F_SIGBUS;
		wake_range(ctx, page, EMU_PAGE_SIZE);
		return;
	}
	if ((w & (PS_MISSING | PS_HUGE | PS_POISON)) == (PS_MISSING | PS_HUGE)) {
		/* No zero page for hugetlb: the access allocates a zeroed one. */
		page_unmark(pt_word(ps_base(page, w)), page);
	} else if (w & PS_MISSING) {
		struct uffdio_zeropage z = { .range = { page, EMU_PAGE_SIZE } };

		if (op_zeropage(ctx, &z) == 0)
			return;
	} else if (w & PS_WP) {
		struct uffdio_writeprotect wp = {
			.range = { ps_base(page, w), ps_size(w) } };

		if (op_writeprotect(ctx, &wp) == 0)
			return;
	}
	wake_range(ctx, page, EMU_PAGE_SIZE);	/* let it retry in any case */
}

/* A process that read messages of @ctx died: its unresolved faults now. */
void orphan_reader_died(struct emu_ctx *ctx, pid_t pid)
{
	int policy = atomic_load(&ctx->orphan_policy);
	unsigned int k, hw;

	if (policy == UFFD_ORPHAN_WAIT || !pid || !ctx->sh)
		return;
	hw = atomic_load(&ctx->sh->hiwater);
	for (k = 0; k < hw; k++) {
		struct emu_slot *s = &ctx->sh->slots[k];

		if ((atomic_load(&s->state) & SLOT_STATE_MASK) == SLOT_READ &&
		    s->kind == SLOT_FAULT &&
		    __atomic_load_n(&s->reader, __ATOMIC_RELAXED) == pid)
			orphan_resolve(ctx, s, policy);
	}
}

/*
 * Service thread: apply the policies; returns nanoseconds until the next
 * look is due (0: none).
 */
uint64_t orphan_scan(void)
{
	uint64_t now = now_ns(), next = 0;
	uint32_t i;

	for (i = 1; i < EMU_MAX_CTX; i++) {
		struct emu_ctx *ctx = ctx_get(i);
		int policy;
		unsigned int k, hw;

		if (!ctx)
			break;
		policy = atomic_load(&ctx->orphan_policy);
		if (policy == UFFD_ORPHAN_WAIT || ctx->remote)
			continue;
		ctx = ctx_acquire(i);
		if (!ctx)
			continue;
		if (!next || ctx->orphan_timeout_ns / 4 < next)
			next = ctx->orphan_timeout_ns / 4;
		hw = atomic_load(&ctx->sh->hiwater);
		for (k = 0; k < hw; k++) {
			struct emu_slot *s = &ctx->sh->slots[k];
			uint32_t st = atomic_load(&s->state) & SLOT_STATE_MASK;

			if ((st == SLOT_PENDING || st == SLOT_READ) &&
			    s->kind == SLOT_FAULT &&
			    now - s->t_publish > ctx->orphan_timeout_ns)
				orphan_resolve(ctx, s, policy);
		}
		ctx_put(ctx);
	}
	return next;
}

/* uffd_set_orphan_policy() for an emulated uffd: 0, -EBADF, -ENOTSUP. */
int emu_set_orphan_policy(int fd, enum uffd_orphan_policy policy,
			  uint64_t timeout_ns)
{
	struct emu_ctx *ctx = ctx_from_fd(fd);
	bool remote;

	if (!ctx)
		return -EBADF;
	remote = ctx->remote || ctx->owner != emu_pid();
	if (!remote) {
		ctx->orphan_timeout_ns = timeout_ns;
		atomic_store(&ctx->orphan_policy, (int)policy);
	}
	ctx_put(ctx);
	if (remote)
		return -ENOTSUP;	/* set where the memory is */
	emu_service_kick();
	return 0;
}
