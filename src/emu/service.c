/* SPDX-License-Identifier: MIT */
/*
 * The emulated engine's service thread: notices when the last copy of a
 * uffd is closed (POLLERR on the write end of its pipe), serves other
 * processes using our uffds (remote.c), applies the orphan policy
 * (orphan.c), and frees released contexts once idle.  It blocks every
 * signal and is the only thread the engine starts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/thread.h"

static int svc_efd = -1;
static bool svc_started;

enum svc_kind { SVC_WFD, SVC_LISTEN, SVC_CONN };

/*
 * What the service thread polls, collected under emu_lock and acted on
 * after poll() without it.  Meanwhile the context may have been released
 * and its index handed out again (its descriptors then name other files):
 * an entry acts only on the incarnation it was collected for (gen), and a
 * reader's disappearance is checked again, under the lock, on the
 * context's current descriptors.
 */
struct svc_entry {
	struct emu_ctx *ctx;
	uint32_t index, gen;
	enum svc_kind kind;
	int conn;		/* SVC_CONN: index in ctx->conns */
};

static void *svc_main(void *arg)
{
	struct pollfd *pfd = NULL;
	struct svc_entry *who = NULL;
	size_t cap = 0;

	(void)arg;
	for (;;) {
		size_t n = 1, need = 1, i;
		sigset_t saved;
		bool zombies;
		uint64_t v;

		emu_lock_acquire(&saved);
		for (i = 1; i <= ctx_max; i++) {
			struct emu_ctx *ctx = ctx_get(i);

			if (ctx && ctx->state == CTX_LIVE && !ctx->remote)
				need += 2 + (size_t)ctx->nconns;
		}
		if (cap < need) {
			cap = need + 16;
			pfd = realloc(pfd, cap * sizeof(*pfd));
			who = realloc(who, cap * sizeof(*who));
			if (!pfd || !who)
				abort();
		}
		pfd[0].fd = svc_efd;
		pfd[0].events = POLLIN;
		zombies = false;
		for (i = 1; i <= ctx_max; i++) {
			struct emu_ctx *ctx = ctx_get(i);
			int c;

			if (ctx && ctx->state == CTX_RELEASING && !ctx_finalize(ctx))
				zombies = true;
			if (!ctx || ctx->state != CTX_LIVE || ctx->remote ||
			    ctx->wfd < 0)
				continue;
			pfd[n] = (struct pollfd){ ctx->wfd, 0, 0 };	/* POLLERR */
			who[n++] = (struct svc_entry){ ctx, ctx->index, ctx->gen, SVC_WFD, 0 };
			if (ctx->lfd >= 0) {
				pfd[n] = (struct pollfd){ ctx->lfd, POLLIN, 0 };
				who[n++] = (struct svc_entry){ ctx, ctx->index, ctx->gen,
							      SVC_LISTEN, 0 };
			}
			for (c = 0; c < ctx->nconns; c++) {
				pfd[n] = (struct pollfd){ ctx->conns[c].fd, POLLIN, 0 };
				who[n++] = (struct svc_entry){ ctx, ctx->index, ctx->gen,
							      SVC_CONN, c };
			}
		}
		emu_lock_release(&saved);

		/*
		 * Released contexts still referenced, or orphan policies to
		 * apply: look again soon.
		 */
		{
			uint64_t next = orphan_scan();
			int ms = zombies ? 50 : -1;

			if (next && (ms < 0 || next / 1000000 < (uint64_t)ms))
				ms = (int)(next / 1000000) + 1;
			while (real_poll(pfd, n, ms) < 0)
				;
		}
		if (pfd[0].revents & POLLIN)
			(void)!real_read(svc_efd, &v, sizeof(v));
		for (i = 1; i < n; i++) {
			struct svc_entry *e = &who[i];
			struct emu_ctx *ctx;

			if (!pfd[i].revents)
				continue;
			if (e->kind == SVC_WFD) {
				/* Re-checked under the lock, on the current wfd. */
				if (pfd[i].revents & (POLLERR | POLLNVAL))
					ctx_check_closed(e->ctx);
				continue;
			}
			ctx = ctx_acquire(e->index);
			if (!ctx)
				continue;
			if (ctx->gen != e->gen ||
			    (e->kind == SVC_CONN && e->conn >= ctx->nconns)) {
				ctx_put(ctx);
				continue;
			}
			if (e->kind == SVC_LISTEN) {
				emu_lock_acquire(&saved);
				remote_accept(ctx);
				emu_lock_release(&saved);
			} else if (!remote_serve(ctx, e->conn)) {
				/*
				 * Closed: a process using this uffd is gone; faults
				 * it read and left unresolved are orphans.  Mark the
				 * connection; dropped below, in index order.
				 */
				orphan_reader_died(ctx, ctx->conns[e->conn].pid);
				real_close(ctx->conns[e->conn].fd);
				ctx->conns[e->conn].fd = -1;
			}
			ctx_put(ctx);
		}
		/* Forget dead connections. */
		emu_lock_acquire(&saved);
		for (i = 1; i <= ctx_max; i++) {
			struct emu_ctx *ctx = ctx_get(i);
			int c, k = 0;

			if (!ctx || ctx->state != CTX_LIVE || ctx->remote)
				continue;
			for (c = 0; c < ctx->nconns; c++) {
				if (ctx->conns[c].fd >= 0)
					ctx->conns[k++] = ctx->conns[c];
				else if (ctx->conns[c].staging)
					real_munmap(ctx->conns[c].staging, RPC_STAGING_SIZE);
			}
			ctx->nconns = k;
		}
		emu_lock_release(&saved);
	}
	return NULL;
}

void emu_service_kick(void)
{
	uint64_t one = 1;

	if (svc_efd >= 0)
		(void)!real_write(svc_efd, &one, sizeof(one));
}

/* Caller holds emu_lock. */
int emu_service_start(void)
{
	int err;

	if (svc_started)
		return 0;
	svc_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (svc_efd < 0)
		return -errno;
	err = thread_start_quiet(svc_main, 64 * 1024);
	if (err) {
		real_close(svc_efd);
		svc_efd = -1;
		return err;
	}
	svc_started = true;
	return 0;
}

/* In a fork child: the thread did not come along. */
void emu_service_after_fork_child(void)
{
	svc_started = false;
	svc_efd = -1;
}
