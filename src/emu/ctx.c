/* SPDX-License-Identifier: MIT */
/*
 * Emulated-engine contexts: the engine's initialisation, creation, lookup
 * and release.  The service thread that notices when the last copy of a
 * descriptor is closed is in service.c; what a child inherits across
 * fork() in fork.c.
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
#include "base/lock.h"
#include "base/real.h"
#include "base/self.h"
#include "base/sys.h"

pthread_mutex_t emu_lock = PTHREAD_MUTEX_INITIALIZER;

static struct emu_ctx *_Atomic ctx_table[EMU_MAX_CTX];
static uint32_t ctx_cursor;		/* next index to try, round robin */
uint32_t ctx_max;			/* highest index ever used */
static unsigned int ctx_live;

static struct proc_fd mem_fd;

/* getpid(), without a system call (base/self.h). */
pid_t emu_pid(void)
{
	return self_pid();
}

/* In a fork child (fork.c): a fresh lock. */
void emu_after_fork_child(void)
{
	pthread_mutex_init(&emu_lock, NULL);
}

/* emu_lock: held with asynchronous signals blocked (base/lock.h). */
void emu_lock_acquire(sigset_t *saved)
{
	lock_acquire(&emu_lock, saved);
}

void emu_lock_release(const sigset_t *saved)
{
	lock_release(&emu_lock, saved);
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

	p = real_mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		avail_err = ENOMEM;
		snprintf(avail_reason, sizeof(avail_reason), "mmap failed");
		return;
	}
	if (real_madvise(p, EMU_PAGE_SIZE, MADV_GUARD_INSTALL) != 0) {
		struct utsname u;

		uname(&u);
		avail_err = ENOSYS;
		snprintf(avail_reason, sizeof(avail_reason),
			 "guard markers (MADV_GUARD_INSTALL, Linux 6.13+) are not "
			 "available on this kernel (%s)", u.release);
		real_munmap(p, len);
		return;
	}
	real_munmap(p, len);
	fd = real_open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		avail_err = errno == ENOENT ? ENOSYS : errno;
		snprintf(avail_reason, sizeof(avail_reason),
			 "/proc/self/mem cannot be opened for writing (%s): /proc "
			 "not mounted or proc_mem.force_override=never",
			 strerror(errno));
		return;
	}
	real_close(fd);
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
		self_pid_init();
		err = fault_install_handler();
		if (err)
			return err;
		fork_install_hooks();
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

/* A context from ctx_alloc() that ctx_make() could not complete. */
void ctx_abandon(struct emu_ctx *ctx)
{
	(void)ctx;
	ctx_live--;
}

/*
 * What a context needs: the token pipe (the read end is the descriptor
 * handed out, with @flags' O_CLOEXEC and O_NONBLOCK) and the shared queue.
 * Caller holds emu_lock.  0 or -errno; on success @ctx is filled but not
 * LIVE.
 */
int ctx_make(struct emu_ctx *ctx, int flags, int *rfd)
{
	struct emu_shared *sh = MAP_FAILED;
	int p[2] = { -1, -1 }, shfd = -1, err;
	struct stat st;

	if (pipe2(p, O_CLOEXEC) < 0)
		goto fail_errno;
	/* The engine's end never blocks (it is written from signal handlers). */
	if (real_fcntl(p[1], F_SETFL, O_NONBLOCK) < 0)
		goto fail_errno;
	if (real_fcntl(p[0], F_SETFL, flags & O_NONBLOCK) < 0)
		goto fail_errno;
	if (!(flags & O_CLOEXEC) && real_fcntl(p[0], F_SETFD, 0) < 0)
		goto fail_errno;
	(void)real_fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	shfd = memfd_create("libuffd-queue", MFD_CLOEXEC);
	if (shfd < 0)
		goto fail_errno;
	if (ftruncate(shfd, sizeof(*sh)) < 0)
		goto fail_errno;
	sh = real_mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED, shfd, 0);
	if (sh == MAP_FAILED)
		goto fail_errno;
	/* The memfd's times stay those of its creation: every process sees them. */
	if (real_fstat(shfd, &st) < 0)
		goto fail_errno;
	ctx->born = st.st_mtim;
	if (real_fstat(p[0], &st) < 0)
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
		real_munmap(sh, sizeof(*sh));
	if (shfd >= 0)
		real_close(shfd);
	if (p[0] >= 0) {
		real_close(p[0]);
		real_close(p[1]);
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
	err = emu_service_start();
	if (err)
		goto fail;
	ctx = ctx_alloc();
	if (!ctx) {
		err = -EMFILE;
		goto fail;
	}
	err = ctx_make(ctx, flags, &rfd);
	if (err) {
		ctx_abandon(ctx);
		goto fail;
	}
	remote_listen(ctx);	/* without it, only this process can use it */
	atomic_store(&ctx->state, CTX_LIVE);
	fdtab_set(rfd, ctx->index);
	atomic_store(&ctx->nfds, 1);
	emu_lock_release(&saved);
	emu_service_kick();
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
bool ctx_finalize(struct emu_ctx *ctx)
{
	if (atomic_load(&ctx->state) != CTX_RELEASING || atomic_load(&ctx->refs))
		return false;
	if (ctx->remote)
		remote_forget(ctx);
	else
		remote_close_all(ctx);
	real_munmap(ctx->sh, sizeof(*ctx->sh));
	ctx->sh = NULL;
	if (ctx->shfd >= 0)
		real_close(ctx->shfd);
	if (ctx->wfd >= 0)
		real_close(ctx->wfd);
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
		emu_service_kick();
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
			gone = real_poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR);
		}
		if (gone)
			done = release_locked(ctx);
	}
	emu_lock_release(&saved);
	if (!done)
		emu_service_kick();
}
