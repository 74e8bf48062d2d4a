/* SPDX-License-Identifier: MIT */
/*
 * Emulated-engine contexts: creation, lookup, the service thread that
 * notices when the last copy of a descriptor is closed, release, and what a
 * child inherits across fork().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

pthread_mutex_t emu_lock = PTHREAD_MUTEX_INITIALIZER;

static struct emu_ctx *_Atomic ctx_table[EMU_MAX_CTX];
static uint32_t ctx_cursor;		/* next index to try, round robin */
static uint32_t ctx_max;		/* highest index ever used */
static unsigned int ctx_live;

static struct proc_fd mem_fd;

/*
 * This process's pid, refreshed in a fork child by the atfork hook.  The
 * fault path does not trust it (a raw clone() skips the hook) and asks the
 * kernel; ioctls and the C-library paths use it.
 */
static pid_t self_pid;

pid_t emu_pid(void)
{
	pid_t p = self_pid;

	return p ? p : (self_pid = sys_getpid());
}

static int svc_efd = -1;
static bool svc_started;

/*
 * emu_lock is never taken by the fault path, but an application signal
 * handler could call into the library while its thread holds the lock:
 * block asynchronous signals while holding it.  Synchronous ones stay
 * deliverable: a bad ioctl argument faults into safe_read()/safe_write()'s
 * recovery, and a blocked SIGSEGV would be fatal.
 */
void emu_lock_acquire(sigset_t *saved)
{
	sigset_t all;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGTRAP);
	real_pthread_sigmask(SIG_BLOCK, &all, saved);
	pthread_mutex_lock(&emu_lock);
}

void emu_lock_release(const sigset_t *saved)
{
	pthread_mutex_unlock(&emu_lock);
	real_pthread_sigmask(SIG_SETMASK, saved, NULL);
}

struct emu_ctx *ctx_get(uint32_t index)
{
	if (!index || index >= EMU_MAX_CTX)
		return NULL;
	return atomic_load_explicit(&ctx_table[index], memory_order_acquire);
}

/* Async-signal-safe.  Pairs with ctx_release(): see invariant I6. */
struct emu_ctx *ctx_acquire(uint32_t index)
{
	struct emu_ctx *ctx = ctx_get(index);

	if (!ctx)
		return NULL;
	atomic_fetch_add(&ctx->refs, 1);
	if (atomic_load(&ctx->state) != CTX_LIVE) {
		atomic_fetch_sub(&ctx->refs, 1);
		return NULL;
	}
	return ctx;
}

void ctx_put(struct emu_ctx *ctx)
{
	atomic_fetch_sub(&ctx->refs, 1);
}

struct emu_ctx *ctx_from_fd(int fd)
{
	uint32_t index = fdtab_get(fd);

	return index ? ctx_acquire(index) : NULL;
}

uint64_t ctx_features(const struct emu_ctx *ctx)
{
	return atomic_load_explicit(&ctx->sh->features, memory_order_acquire);
}

/* /proc/self/mem of the calling process (reopened after fork). */
int emu_memfd(void)
{
	return proc_fd_get(&mem_fd, "/proc/self/mem", O_RDWR);
}

/* ---- availability ------------------------------------------------------ */

static int avail_err;		/* 0 unknown, -1 usable, else errno */
static char avail_reason[256];

static void check_available(void)
{
	size_t len = 2 * EMU_PAGE_SIZE;
	char *p;
	int fd;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		avail_err = ENOMEM;
		snprintf(avail_reason, sizeof(avail_reason), "mmap failed");
		return;
	}
	if (madvise(p, EMU_PAGE_SIZE, MADV_GUARD_INSTALL) != 0) {
		struct utsname u;

		uname(&u);
		avail_err = ENOSYS;
		snprintf(avail_reason, sizeof(avail_reason),
			 "guard markers (MADV_GUARD_INSTALL, Linux 6.13+) are not "
			 "available on this kernel (%s)", u.release);
		munmap(p, len);
		return;
	}
	munmap(p, len);
	fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		avail_err = errno == ENOENT ? ENOSYS : errno;
		snprintf(avail_reason, sizeof(avail_reason),
			 "/proc/self/mem cannot be opened for writing (%s): /proc "
			 "not mounted or proc_mem.force_override=never",
			 strerror(errno));
		return;
	}
	close(fd);
	avail_err = -1;
}

bool emu_available(struct uffd_engine_info *why)
{
	sigset_t saved;

	emu_lock_acquire(&saved);
	if (!avail_err)
		check_available();
	emu_lock_release(&saved);
	if (avail_err > 0 && why) {
		snprintf(why->reason, sizeof(why->reason), "%s", avail_reason);
		snprintf(why->fix, sizeof(why->fix),
			 "Linux 6.13 or later with /proc mounted");
	}
	return avail_err < 0;
}

/* ---- fork -------------------------------------------------------------- */

static int svc_start(void);
static int ctx_make(struct emu_ctx *ctx, int flags, int *rfd);

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
		struct emu_ctx *ctx = ctx_table[i], *c;
		int rfd;

		if (!ctx || ctx->state != CTX_LIVE || ctx->remote || !ctx->nspans ||
		    ctx->owner != emu_pid() ||
		    !(ctx_features(ctx) & UFFD_FEATURE_EVENT_FORK))
			continue;
		c = ctx_alloc();
		if (!c)
			break;
		if (ctx_make(c, ctx->flags & (O_CLOEXEC | O_NONBLOCK), &rfd)) {
			ctx_live--;
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

		/* Our view of the child's uffd: its memory is the child's. */
		close(c->wfd);
		close(c->shfd);
		c->wfd = c->shfd = -1;
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

/* Move the parent context's registrations (pages and spans) to @c. */
static void fork_take_over(struct emu_ctx *parent, struct emu_ctx *c)
{
	size_t i;

	for (i = 0; i < parent->nspans; i++) {
		uintptr_t a, s = parent->spans[i].start, e = parent->spans[i].end;

		for (a = s; a < e; a += EMU_PAGE_SIZE) {
			pageword_t *pw = pt_word(a);
			uint32_t w = pw ? atomic_load(pw) : 0;

			/* BUSY belonged to a parent thread that is not here. */
			if (PS_CTX(w) == parent->index)
				atomic_store(pw, ((w & ~(PS_CTX_MASK | PS_BUSY)) |
						  c->index));
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

	self_pid = sys_getpid();
	pthread_mutex_init(&emu_lock, NULL);
	svc_started = false;
	svc_efd = -1;

	for (k = 0; k < nplans; k++)
		fork_take_over(ctx_table[plans[k].parent], plans[k].child);
	for (i = 1; i <= ctx_max; i++) {
		struct emu_ctx *ctx = ctx_table[i];

		if (!ctx || ctx->state == CTX_FREE)
			continue;
		if (!ctx->remote)
			pages_unregister_all(ctx, true);
		if (ctx->wfd >= 0)
			close(ctx->wfd);
		ctx->wfd = -1;
		/* The owner's connections are the parent's; ours is our own. */
		remote_close_all(ctx);
		if (ctx->conn >= 0)
			close(ctx->conn);
		ctx->conn = -1;
		ctx->remote = true;
		pthread_mutex_init(&ctx->conn_lock, NULL);
	}
	/* The child contexts: ours now. */
	for (k = 0; k < nplans; k++) {
		struct emu_ctx *c = plans[k].child;

		close(plans[k].rfd);	/* the monitor's, in the parent */
		atomic_store(&c->user_fd, -1);
		c->owner = self_pid;
		c->remote = false;
		remote_listen(c);
		atomic_store(&c->state, CTX_LIVE);
	}
	if (nplans)
		svc_start();
	nplans = 0;
	real_pthread_sigmask(SIG_SETMASK, &fork_saved, NULL);
}

/* ---- service thread ---------------------------------------------------- */

static bool ctx_finalize(struct emu_ctx *ctx);

/*
 * The service thread: notices when the last copy of a uffd is closed
 * (POLLERR on the write end of its pipe), serves other processes using our
 * uffds (emu_remote.c), and frees released contexts once idle.
 */
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
			struct emu_ctx *ctx = ctx_table[i];

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
			struct emu_ctx *ctx = ctx_table[i];
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
			while (poll(pfd, n, ms) < 0)
				;
		}
		if (pfd[0].revents & POLLIN)
			(void)!read(svc_efd, &v, sizeof(v));
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
			struct emu_ctx *ctx = ctx_table[i];
			int c, k = 0;

			if (!ctx || ctx->state != CTX_LIVE || ctx->remote)
				continue;
			for (c = 0; c < ctx->nconns; c++) {
				if (ctx->conns[c].fd >= 0)
					ctx->conns[k++] = ctx->conns[c];
				else if (ctx->conns[c].staging)
					munmap(ctx->conns[c].staging, RPC_STAGING_SIZE);
			}
			ctx->nconns = k;
		}
		emu_lock_release(&saved);
	}
	return NULL;
}

static void svc_kick(void)
{
	uint64_t one = 1;

	if (svc_efd >= 0)
		(void)!write(svc_efd, &one, sizeof(one));
}

void emu_service_kick(void)
{
	svc_kick();
}

/* Caller holds emu_lock. */
static int svc_start(void)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t all, old;
	int err;

	if (svc_started)
		return 0;
	svc_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (svc_efd < 0)
		return -errno;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	/* The thread inherits a mask blocking everything: it takes no signal. */
	sigfillset(&all);
	real_pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&t, &attr, svc_main, NULL);
	real_pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		close(svc_efd);
		svc_efd = -1;
		return -err;
	}
	svc_started = true;
	return 0;
}

/* ---- engine initialisation --------------------------------------------- */

int emu_init(void)
{
	static bool done;
	static pid_t done_pid;
	int err;

	if (done && done_pid == emu_pid())
		return 0;
	if (!avail_err)
		check_available();
	if (avail_err > 0)
		return -avail_err;
	if (!done) {
		err = fault_install_handler();
		if (err)
			return err;
		pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	}
	done = true;
	done_pid = emu_pid();
	return 0;
}

/* ---- open and release -------------------------------------------------- */

struct emu_ctx *ctx_alloc(void)
{
	struct emu_ctx *ctx;
	uint32_t i, idx = 0, span;

	/*
	 * Indexes are handed out round-robin, so that a freed index is not
	 * reused at once, within a window a few times the number of live
	 * contexts: a process that opens and closes uffds for ever keeps a
	 * bounded number of context structures (they are never freed, I6).
	 * A full window (zombies still referenced) widens to the whole table.
	 */
	span = 4 * ctx_live + 64;
	if (span > EMU_MAX_CTX - 1)
		span = EMU_MAX_CTX - 1;
	for (i = 0; i < 2 * (EMU_MAX_CTX - 1); i++) {
		uint32_t n = i < span ? span : EMU_MAX_CTX - 1;
		uint32_t c = 1 + (ctx_cursor + i) % n;
		struct emu_ctx *t = ctx_table[c];

		if (!t || t->state == CTX_FREE) {
			idx = c;
			break;
		}
	}
	if (!idx)
		return NULL;
	ctx_cursor = idx;
	if (idx > ctx_max)
		ctx_max = idx;
	ctx = ctx_table[idx];
	if (!ctx) {
		ctx = calloc(1, sizeof(*ctx));
		if (!ctx)
			return NULL;
		ctx->index = idx;
		atomic_store_explicit(&ctx_table[idx], ctx, memory_order_release);
	}
	ctx->gen++;
	ctx->remote = false;
	ctx->conn = ctx->lfd = -1;
	ctx->staging = NULL;
	ctx->conns = NULL;
	ctx->nconns = 0;
	ctx->nspans = 0;
	atomic_store(&ctx->nfds, 0);
	ctx_live++;
	return ctx;
}

/*
 * What a context needs: the token pipe (the read end is the descriptor
 * handed out, with @flags' O_CLOEXEC and O_NONBLOCK) and the shared queue.
 * Caller holds emu_lock.  0 or -errno; on success @ctx is filled but not
 * LIVE.
 */
static int ctx_make(struct emu_ctx *ctx, int flags, int *rfd)
{
	struct emu_shared *sh = MAP_FAILED;
	int p[2] = { -1, -1 }, shfd = -1, err;
	struct stat st;

	if (pipe2(p, O_CLOEXEC) < 0)
		goto fail_errno;
	/* The engine's end never blocks (it is written from signal handlers). */
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) < 0)
		goto fail_errno;
	if (fcntl(p[0], F_SETFL, flags & O_NONBLOCK) < 0)
		goto fail_errno;
	if (!(flags & O_CLOEXEC) && fcntl(p[0], F_SETFD, 0) < 0)
		goto fail_errno;
	(void)fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	if (fstat(p[0], &st) < 0)
		goto fail_errno;
	shfd = memfd_create("libuffd-queue", MFD_CLOEXEC);
	if (shfd < 0)
		goto fail_errno;
	if (ftruncate(shfd, sizeof(*sh)) < 0)
		goto fail_errno;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED, shfd, 0);
	if (sh == MAP_FAILED)
		goto fail_errno;
	sh->magic = EMU_SHARED_MAGIC;
	sh->version = EMU_SHARED_VERSION;

	ctx->owner = emu_pid();
	ctx->flags = flags;
	ctx->wfd = p[1];
	ctx->shfd = shfd;
	ctx->sh = sh;
	ctx->rdev = st.st_dev;
	ctx->rino = st.st_ino;
	atomic_store(&ctx->user_fd, p[0]);
	atomic_store(&ctx->rtt_ns, 20000);
	atomic_store(&ctx->spin_limit_ns, 40000);
	atomic_store(&ctx->orphan_policy, UFFD_ORPHAN_WAIT);
	pthread_mutex_init(&ctx->conn_lock, NULL);
	atomic_store(&ctx->refs, 0);
	*rfd = p[0];
	return 0;

fail_errno:
	err = -errno;
	if (sh != MAP_FAILED)
		munmap(sh, sizeof(*sh));
	if (shfd >= 0)
		close(shfd);
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
	return err;
}

int emu_open(int flags, struct uffd_engine_info *why)
{
	struct emu_ctx *ctx;
	sigset_t saved;
	int err, rfd = -1;

	if (flags & ~UFFD_OPEN_FLAGS) {
		errno = EINVAL;
		return -1;
	}
	emu_lock_acquire(&saved);
	err = emu_init();
	if (err) {
		emu_lock_release(&saved);
		emu_available(why);
		errno = -err;
		return -1;
	}
	err = svc_start();
	if (err)
		goto fail;
	ctx = ctx_alloc();
	if (!ctx) {
		err = -EMFILE;
		goto fail;
	}
	err = ctx_make(ctx, flags, &rfd);
	if (err) {
		ctx_live--;
		goto fail;
	}
	remote_listen(ctx);	/* without it, only this process can use it */
	atomic_store(&ctx->state, CTX_LIVE);
	fdtab_set(rfd, ctx->index);
	atomic_store(&ctx->nfds, 1);
	emu_lock_release(&saved);
	svc_kick();
	return rfd;

fail:
	emu_lock_release(&saved);
	if (why)
		snprintf(why->reason, sizeof(why->reason), "%s", strerror(-err));
	errno = -err;
	return -1;
}


/*
 * Free what a released context holds, once nobody is inside it (I6).
 * Caller holds emu_lock.  Returns true when the context is FREE.
 */
static bool ctx_finalize(struct emu_ctx *ctx)
{
	if (atomic_load(&ctx->state) != CTX_RELEASING || atomic_load(&ctx->refs))
		return false;
	if (ctx->remote)
		remote_forget(ctx);
	else
		remote_close_all(ctx);
	munmap(ctx->sh, sizeof(*ctx->sh));
	ctx->sh = NULL;
	if (ctx->shfd >= 0)
		close(ctx->shfd);
	if (ctx->wfd >= 0)
		close(ctx->wfd);
	ctx->wfd = ctx->shfd = -1;
	atomic_store(&ctx->user_fd, -1);
	ctx_live--;
	atomic_store(&ctx->state, CTX_FREE);
	return true;
}

/*
 * The last copy of the read end is gone (kernel: userfaultfd_release):
 * unregister everything and wake every waiter, now.  The queue and the
 * token pipe are freed once no faulter or ioctl is inside the context any
 * more -- usually at once; if a thread is still on its way out (or left a
 * fault wait with siglongjmp from a signal handler and never came back),
 * the service thread finishes the job later.  close() never waits.
 */
/* Caller holds emu_lock.  False if the service thread must finish it. */
static bool release_locked(struct emu_ctx *ctx)
{
	int expect = CTX_LIVE;

	if (!atomic_compare_exchange_strong(&ctx->state, &expect, CTX_RELEASING))
		return true;
	if (!ctx->remote) {
		pages_unregister_all(ctx, false);
		wake_all(ctx);
	}
	return ctx_finalize(ctx);
}

void ctx_release(struct emu_ctx *ctx)
{
	sigset_t saved;
	bool done;

	emu_lock_acquire(&saved);
	done = release_locked(ctx);
	emu_lock_release(&saved);
	if (!done)
		svc_kick();
}

/*
 * Release now if no copy of the read end is left (e.g. right after close).
 * Under emu_lock: ctx_finalize() closes wfd and may recycle the context.
 */
void ctx_check_closed(struct emu_ctx *ctx)
{
	struct pollfd pfd;
	sigset_t saved;
	bool gone = false, done = true;

	emu_lock_acquire(&saved);
	if (atomic_load(&ctx->state) == CTX_LIVE) {
		if (ctx->remote || ctx->owner != emu_pid()) {
			/* Not ours to release: forget it when our last fd is gone. */
			gone = atomic_load(&ctx->nfds) <= 0;
		} else if (ctx->wfd >= 0) {
			pfd.fd = ctx->wfd;
			pfd.events = 0;
			gone = poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR);
		}
		if (gone)
			done = release_locked(ctx);
	}
	emu_lock_release(&saved);
	if (!done)
		svc_kick();
}

bool emu_is_uffd(int fd)
{
	return fdtab_get(fd) != 0;
}
