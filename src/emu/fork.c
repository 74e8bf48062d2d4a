/* SPDX-License-Identifier: MIT */
/*
 * What happens to the emulated engine across fork(): the pthread_atfork()
 * hooks (fork_install_hooks(), from emu_init()).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

/*
 * In the child of a fork() without EVENT_FORK the registered ranges behave
 * as unregistered (zero fill, never a hang), as with a kernel uffd: remove
 * our markers and forget the page states.  The child keeps its copies of
 * the descriptors; it does not own the contexts.
 */
/*
 * UFFD_FEATURE_EVENT_FORK (spec 11.2): for each context of ours that asked
 * for it and owns memory, a child context is prepared before fork() --
 * its pipe and queue exist in both processes afterwards.  In the child it
 * becomes the owner of the inherited registrations (markers survive
 * fork(); the page words are re-pointed to it) and serves its own memory.
 * In the parent the read end is the new uffd the monitor receives: a
 * FORK event carries its number, and fork() returns once the event is
 * read.  The monitor must read it in this process (the descriptor is
 * ours); a monitor in another process gets the event, not a usable fd.
 */
#define MAX_FORK_PLANS 16

struct fork_plan {
	uint32_t parent;	/* context with EVENT_FORK */
	struct emu_ctx *child;	/* prepared, same index in both processes */
	int rfd;
};

static sigset_t fork_saved;
static struct fork_plan plans[MAX_FORK_PLANS];
static int nplans;

static void atfork_prepare(void)
{
	uint32_t i;

	emu_lock_acquire(&fork_saved);
	nplans = 0;
	for (i = 1; i <= ctx_max && nplans < MAX_FORK_PLANS; i++) {
		struct emu_ctx *ctx = ctx_get(i), *c;
		int rfd;

		if (!ctx || ctx->state != CTX_LIVE || ctx->remote || !ctx->nspans ||
		    ctx->owner != emu_pid() ||
		    !(ctx_features(ctx) & UFFD_FEATURE_EVENT_FORK))
			continue;
		c = ctx_alloc();
		if (!c)
			break;
		if (ctx_make(c, ctx->flags & (O_CLOEXEC | O_NONBLOCK), &rfd)) {
			ctx_abandon(c);
			continue;
		}
		/* Already initialized, with the parent's features. */
		atomic_store(&c->sh->features, ctx_features(ctx));
		plans[nplans].parent = i;
		plans[nplans].child = c;
		plans[nplans].rfd = rfd;
		nplans++;
		event_prepare(ctx);
	}
}

static void atfork_parent(void)
{
	int k, n = nplans;

	for (k = 0; k < n; k++) {
		struct emu_ctx *c = plans[k].child;

		/*
		 * Our view of the child's uffd: its memory is the child's.  We
		 * keep a write end of its pipe, never written: when the child
		 * is gone the descriptor does not hang up but is simply never
		 * ready, as a kernel uffd whose mm exited (remote.c, HELLO).
		 */
		real_close(c->shfd);
		c->shfd = -1;
		c->remote = true;
		c->conn = -1;
		atomic_store(&c->state, CTX_LIVE);
		fdtab_set(plans[k].rfd, c->index);
		atomic_store(&c->nfds, 1);
	}
	emu_lock_release(&fork_saved);
	for (k = 0; k < n; k++) {
		struct emu_ctx *ctx = ctx_acquire(plans[k].parent);
		struct uffd_msg m;

		if (!ctx) {
			event_unprepare(ctx_get(plans[k].parent));
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.event = UFFD_EVENT_FORK;
		m.arg.fork.ufd = (uint32_t)plans[k].rfd;
		event_post(ctx, &m);		/* fork() returns once it is read */
		ctx_put(ctx);
	}
}

/*
 * Move the parent context's registrations (pages and spans) to @c.  The
 * kernel copies every page-table entry of a uffd-wp VMA to the child, so a
 * write-protected page of a shared mapping is mapped there at once; fork()
 * copies none of a shared mapping's: map those pages again.
 */
static void fork_take_over(struct emu_ctx *parent, struct emu_ctx *c)
{
	size_t i;

	for (i = 0; i < parent->nspans; i++) {
		uintptr_t a, s = parent->spans[i].start, e = parent->spans[i].end;

		for (a = s; a < e; a += EMU_PAGE_SIZE) {
			pageword_t *pw = pt_word(a);
			uint32_t w = pw ? atomic_load(pw) : 0;

			if (PS_CTX(w) != parent->index)
				continue;
			/* BUSY belonged to a parent thread that is not here. */
			atomic_store(pw, ((w & ~(PS_CTX_MASK | PS_BUSY)) | c->index));
			if ((w & (PS_WP | PS_MISSING | PS_SHARED)) == (PS_WP | PS_SHARED))
				real_madvise((void *)a, EMU_PAGE_SIZE, MADV_POPULATE_READ);
		}
	}
	c->spans = parent->spans;
	c->nspans = parent->nspans;
	c->capspans = parent->capspans;
	parent->spans = NULL;
	parent->nspans = parent->capspans = 0;
}

/*
 * In the child of a fork() without EVENT_FORK the registered ranges behave
 * as unregistered (zero fill, never a hang), as with a kernel uffd: remove
 * our markers and forget the page states.  The child keeps its copies of
 * the descriptors; it does not own those contexts.
 */
static void atfork_child(void)
{
	uint32_t i;
	int k;

	emu_after_fork_child();
	emu_service_after_fork_child();

	for (k = 0; k < nplans; k++)
		fork_take_over(ctx_get(plans[k].parent), plans[k].child);
	for (i = 1; i <= ctx_max; i++) {
		struct emu_ctx *ctx = ctx_get(i);

		if (!ctx || ctx->state == CTX_FREE)
			continue;
		if (!ctx->remote)
			pages_unregister_all(ctx, true);
		/* ctx->wfd stays: a write end we never write (see atfork_parent). */
		/* The owner's connections are the parent's; ours is our own. */
		remote_close_all(ctx);
		if (ctx->conn >= 0)
			real_close(ctx->conn);
		ctx->conn = -1;
		ctx->remote = true;
		pthread_mutex_init(&ctx->conn_lock, NULL);
	}
	/* The child contexts: ours now. */
	for (k = 0; k < nplans; k++) {
		struct emu_ctx *c = plans[k].child;

		real_close(plans[k].rfd);	/* the monitor's, in the parent */
		atomic_store(&c->user_fd, -1);
		c->owner = emu_pid();
		c->remote = false;
		remote_listen(c);
		atomic_store(&c->state, CTX_LIVE);
	}
	if (nplans)
		emu_service_start();
	nplans = 0;
	real_pthread_sigmask(SIG_SETMASK, &fork_saved, NULL);
}

void fork_install_hooks(void)
{
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}
