/* SPDX-License-Identifier: MIT */
/*
 * The emulated engine: userfaultfd in user space.
 *
 * Model
 * -----
 * A missing page of a registered range carries a guard marker
 * (MADV_GUARD_INSTALL, Linux 6.13+): any user access raises SIGSEGV
 * (SEGV_MAPERR) without creating a VMA.  The SIGSEGV handler finds the
 * page in the page-state table, queues a struct uffd_msg in the owning
 * context's slot array, makes the descriptor readable and waits.  UFFDIO_COPY
 * hides the page (mprotect PROT_NONE), removes the marker, writes the
 * contents through /proc/self/mem and restores the protection, so no thread
 * ever sees a partial page; it then wakes the waiters.
 *
 * The descriptor handed out is the read end of a pipe.  The engine keeps
 * the write end: one byte ("token") is written per queued message, so
 * poll/epoll/select see POLLIN exactly when messages are queued, and the
 * write end reports POLLERR once every copy of the read end is closed --
 * the last-close detection.  read() and poll() on such a descriptor go
 * through this library's interposers (src/interpose/), which return messages
 * from the slots with the kernel's rules.
 *
 * Invariants (each one is relied on by the fault path, which runs in a
 * signal handler and therefore takes no locks and allocates nothing)
 * ----------
 * I1  Page-state table: the words of a page may be read at any time without
 *     a lock.  Tables are allocated under emu_lock and never freed.
 * I2  PS_BUSY is set by exactly one owner (CAS) and only that owner changes
 *     the page's contents, protection or guard marker until it clears it.
 *     A fault on a BUSY page waits for BUSY to clear and retries the access.
 * I3  PS_MISSING set <=> a guard marker we installed is on the page (or the
 *     page is hidden by PROT_NONE while BUSY).
 * I4  Every slot that reaches SLOT_PENDING gets exactly one token written.
 *     A PENDING slot that is withdrawn or woken before being read adds one
 *     to `stale`; readers consume tokens for messages first, then for stale.
 *     So tokens in the pipe = pending + stale (eventually: a producer may
 *     be between publishing and writing).
 * I5  Wake-up race: a faulter publishes its slot, then re-checks the page
 *     word; a resolver changes the page word, then scans the slots.  Both
 *     with sequentially consistent operations, so one of them sees the
 *     other.  A faulter that finds its page already resolved withdraws.
 *     The token (what wakes readers) is written only after that re-check,
 *     as the kernel re-checks before wake_up_poll(): a reader cannot read
 *     and resolve a message whose faulter then leaves on its own.
 * I6  emu_ctx structures are never freed (recycled); a faulter holds
 *     ctx->refs while it uses ctx->sh, and release waits for refs == 0.
 */
#ifndef LIBUFFD_EMU_H
#define LIBUFFD_EMU_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "internal.h"

#define EMU_PAGE_SHIFT	12
#define EMU_PAGE_SIZE	(1UL << EMU_PAGE_SHIFT)
#define EMU_PAGE_MASK	(~(EMU_PAGE_SIZE - 1))

/* ---- page-state words (pagetable.c) ------------------------------ */
#define PS_CTX_MASK	0xffffu		/* owning context (0: not registered) */
#define PS_MODE_SHIFT	16		/* UFFDIO_REGISTER_MODE_* (3 bits) */
#define PS_MODE_MASK	(7u << PS_MODE_SHIFT)
#define PS_PROT_SHIFT	19		/* PROT_READ|PROT_WRITE|PROT_EXEC */
#define PS_PROT_MASK	(7u << PS_PROT_SHIFT)
#define PS_MISSING	(1u << 22)	/* absent: guard marker installed */
#define PS_BUSY		(1u << 23)	/* being changed by one owner (I2) */
#define PS_WP		(1u << 24)	/* write-protected */
#define PS_POISON	(1u << 25)	/* UFFDIO_POISON'ed */
#define PS_SHARED	(1u << 26)	/* MAP_SHARED: the page cache decides */
#define PS_FILE		(1u << 27)	/* shmem-backed (shmem.c) */
#define PS_HUGE		(1u << 28)	/* hugetlb, 2 MiB pages (hugetlb.c) */

#define PS_CTX(w)	((w) & PS_CTX_MASK)
#define PS_MODE(w)	(((w) & PS_MODE_MASK) >> PS_MODE_SHIFT)
#define PS_PROT(w)	((int)(((w) & PS_PROT_MASK) >> PS_PROT_SHIFT))
#define PS_MAKE(ctx, mode, prot) \
	((uint32_t)(ctx) | (uint32_t)(mode) << PS_MODE_SHIFT | \
	 (uint32_t)(prot) << PS_PROT_SHIFT)
/* The attributes that make two registered pages belong to one VMA. */
#define PS_VMA_MASK	(PS_CTX_MASK | PS_MODE_MASK | PS_PROT_MASK | PS_SHARED | PS_FILE | \
			 PS_HUGE)

/*
 * hugetlb (hugetlb.c): every 4 KiB word of a huge page carries the same
 * state, but PS_BUSY is taken on the first word (the "head") only, and the
 * fault path reads the head.  A missing huge page is PROT_NONE instead of
 * guard-marked (hugetlb VMAs refuse markers): I3 reads "PS_MISSING set <=>
 * the huge page is PROT_NONE by us".
 */
#define HUGE_SHIFT	21
#define HUGE_SIZE	(1UL << HUGE_SHIFT)
#define HUGE_MASK	(~(HUGE_SIZE - 1))

/* The size of the page word @w belongs to, and the first address of it. */
static inline size_t ps_size(uint32_t w)
{
	return (w & PS_HUGE) ? HUGE_SIZE : EMU_PAGE_SIZE;
}

static inline uintptr_t ps_base(uintptr_t a, uint32_t w)
{
	return a & ~(uintptr_t)(ps_size(w) - 1);
}

typedef _Atomic uint32_t pageword_t;

void *arena_alloc(size_t len);			/* arena.c */
pageword_t *pt_word(uintptr_t addr);		/* NULL: never registered */
uint32_t page_take(pageword_t *pw);		/* PS_BUSY, waiting */
bool pt_maybe(uintptr_t s, uintptr_t e);	/* any table for [s, e)? */
uintptr_t pt_leaf_end(uintptr_t a);
uintptr_t pt_next_leaf(uintptr_t a);		/* 0: none left */
int pt_ensure(uintptr_t start, uintptr_t end);	/* -ENOMEM */

/* ---- contexts (ctx.c) ---------------------------------------------- */
#define EMU_MAX_CTX	65536
#define EMU_SLOTS	1024

enum slot_state {
	SLOT_FREE,
	SLOT_CLAIMED,	/* owner is filling it */
	SLOT_PENDING,	/* queued, unread */
	SLOT_READ,	/* returned by read(), owner still waiting */
	SLOT_WOKEN,	/* owner may go */
};
#define SLOT_STATE_MASK	0xffu
#define SLOT_SLEEPING	0x100u	/* owner is (about to be) in futex_wait */

enum slot_kind { SLOT_FAULT, SLOT_EVENT };

struct emu_slot {
	_Atomic uint32_t state;
	/*
	 * kind and addr are atomic because wake_range()/wake_all() read them
	 * without owning the slot: a slot freed and claimed again between
	 * their load of state and of these fields gets, at worst, a spurious
	 * wake-up (its occupant re-executes the access and faults again, as
	 * after a kernel wake of an unresolved page).
	 */
	_Atomic uint32_t kind;
	_Atomic uint64_t seq;		/* queue order; changes per occupant */
	_Atomic uint64_t addr;		/* exact faulting address */
	int32_t tid;			/* faulting thread, with THREAD_ID only */
	uint32_t flags;			/* SLOT_F_* */
	uint64_t t_publish;		/* now_ns() when queued (orphan policy) */
	int32_t reader;			/* pid of the process that read it */
	uint32_t pad;
	/*
	 * The message: the owner stores it, and readers copy it, word by
	 * word with relaxed atomics (slot_set_msg, slot_copy_msg) -- a reader
	 * may copy while the slot is reused and tells by the sequence check,
	 * so both sides must be atomic for the copy to be a defined race.
	 */
	union {
		struct uffd_msg msg;
		uint64_t msg_words[4];
	};
};
_Static_assert(sizeof(struct uffd_msg) == 4 * sizeof(uint64_t), "uffd_msg words");
#define SLOT_F_SIGBUS	1u	/* woken by the orphan policy: raise SIGBUS */

/* The part of a context a handler in another process will share. */
struct emu_shared {
	uint32_t magic;
	uint32_t version;
	_Atomic uint64_t features;	/* after UFFDIO_API: requested | INITIALIZED */
	_Atomic uint32_t reader_lock;	/* futex mutex: 0 free, 1 held, 2 contended */
	_Atomic uint32_t hiwater;	/* slots [0, hiwater) may be in use */
	_Atomic uint32_t pending;	/* SLOT_PENDING slots */
	_Atomic uint32_t stale;		/* tokens whose message is gone (I4) */
	_Atomic uint32_t outstanding;	/* faults queued or read, not yet over */
	_Atomic uint32_t changing;	/* events in flight: kernel's mmap_changing */
	_Atomic uint64_t seq;
	/* Arrival pattern, for the readers' adaptive spin (spin.c). */
	_Atomic uint64_t last_publish_ns;
	_Atomic uint64_t gap_ns;	/* moving average of inter-arrival gaps */
	struct emu_slot slots[EMU_SLOTS];
};
#define EMU_SHARED_MAGIC	0x55464644u	/* "UFFD" */
#define EMU_SHARED_VERSION	3
#define EMU_FEAT_INITIALIZED	(1ULL << 31)

enum ctx_state { CTX_FREE, CTX_LIVE, CTX_RELEASING };

struct emu_ctx {
	uint32_t index;
	_Atomic int state;
	_Atomic uint32_t refs;		/* faulters and ioctls inside (I6) */
	pid_t owner;			/* process whose memory this manages */
	int flags;			/* creation flags */
	int wfd;			/* token pipe, write end */
	int shfd;			/* memfd holding *sh */
	_Atomic int user_fd;		/* the read end as handed out (hint) */
	dev_t rdev;			/* identity of the read end */
	ino_t rino;
	struct timespec born;		/* creation: the uffd's inode times (fdview.c) */
	struct emu_shared *sh;
	_Atomic uint64_t rtt_ns;	/* recent fault round trip, for spinning */
	/* What spinning cost and bought (uffd bench reports it). */
	_Atomic uint64_t spin_ns, spin_hits, sleeps;
	_Atomic uint64_t spin_limit_ns;	/* the faulters' learnt spin limit */
	_Atomic uint32_t spin_probe;
	/* Address ranges registered with this context (under emu_lock). */
	struct span { uintptr_t start, end; } *spans;
	size_t nspans, capspans;

	/* Owner side of the cross-process protocol (remote.c). */
	int lfd;			/* listening socket, or -1 */
	struct rpc_conn { int fd; void *staging; pid_t pid; } *conns;
	int nconns;

	/* Client side: this process uses a uffd another process owns. */
	bool remote;
	int conn;			/* connection to the owner, or -1 */
	void *staging;			/* page contents travel through this */
	pthread_mutex_t conn_lock;
	uint64_t next_id;
	_Atomic int nfds;		/* descriptors of ours naming it */
	_Atomic uint32_t gen;		/* incarnation: +1 each time the index is handed out */

	/* Orphan policy (orphan.c): 0 = wait, as the kernel. */
	_Atomic int orphan_policy;
	uint64_t orphan_timeout_ns;
};

struct emu_ctx *ctx_get(uint32_t index);	/* no reference taken */
struct emu_ctx *ctx_acquire(uint32_t index);	/* LIVE and referenced, or NULL */
void ctx_put(struct emu_ctx *ctx);
struct emu_ctx *ctx_from_fd(int fd);		/* via the fd table */
struct emu_ctx *ctx_alloc(void);		/* emu_lock held */
int ctx_make(struct emu_ctx *ctx, int flags, int *rfd);	/* emu_lock held */
void ctx_abandon(struct emu_ctx *ctx);		/* ctx_make() failed */
bool ctx_finalize(struct emu_ctx *ctx);		/* emu_lock held */
extern uint32_t ctx_max;			/* highest index ever used */
void ctx_release(struct emu_ctx *ctx);		/* last reference gone */
void ctx_check_closed(struct emu_ctx *ctx);	/* release if no reader left */
uint64_t ctx_features(const struct emu_ctx *ctx);

/* fd table (fdtab.c): which descriptors are emulated uffds. */
uint32_t fdtab_get_slow(int fd);
extern _Atomic int fd_any;
static inline bool fdtab_any(void)
{
	return atomic_load_explicit(&fd_any, memory_order_relaxed);
}
static inline uint32_t fdtab_get(int fd)
{
	return likely(!fdtab_any()) ? 0 : fdtab_get_slow(fd);
}
void fdtab_set(int fd, uint32_t index);

/* ---- global lock and engine state (ctx.c) -------------------------- */
extern pthread_mutex_t emu_lock;
void emu_lock_acquire(sigset_t *saved);		/* blocks signals too */
void emu_lock_release(const sigset_t *saved);
int emu_init(void);				/* idempotent */
int emu_memfd(void);				/* /proc/self/mem, this process */
pid_t emu_pid(void);				/* getpid(), cached */
void emu_after_fork_child(void);

/* ---- fork (fork.c) and the service thread (service.c) ------------------- */
void fork_install_hooks(void);
int emu_service_start(void);			/* emu_lock held */
void emu_service_after_fork_child(void);

/* ---- queue (queue.c) ----------------------------------------------- */
struct emu_slot *slot_claim(struct emu_ctx *ctx);
void slot_publish(struct emu_ctx *ctx, struct emu_slot *s);
void slot_set_msg(struct emu_slot *s, const struct uffd_msg *m);
void slot_publish_quiet(struct emu_ctx *ctx, struct emu_slot *s);
void slot_announce(struct emu_ctx *ctx);
bool slot_withdraw_quiet(struct emu_ctx *ctx, struct emu_slot *s);
bool slot_withdraw(struct emu_ctx *ctx, struct emu_slot *s);
void slot_free(struct emu_slot *s);
unsigned int wake_range(struct emu_ctx *ctx, uint64_t start, uint64_t len);
unsigned int wake_all(struct emu_ctx *ctx);
void event_prepare(struct emu_ctx *ctx);
void event_unprepare(struct emu_ctx *ctx);
void event_post(struct emu_ctx *ctx, const struct uffd_msg *msg);
bool ctx_changing(struct emu_ctx *ctx);
void queue_drain_stale(struct emu_ctx *ctx, int fd);
void queue_drain_stale_hint(struct emu_ctx *ctx);
ssize_t queue_read(struct emu_ctx *ctx, int fd, void *buf, size_t count,
		   bool nowait);

/* ---- faults inside system calls (pretouch.c) ------------------------ */
extern bool pretouch_enabled;
void pretouch_pages(const void *buf, size_t len, bool write);
extern _Atomic int pt_any;	/* any page-state leaf allocated, ever */
static inline void pretouch(const void *buf, size_t len, bool write)
{
	if (unlikely(pretouch_enabled) &&
	    unlikely(atomic_load_explicit(&pt_any, memory_order_relaxed)))
		pretouch_pages(buf, len, write);
}
void pretouch_iov(const struct iovec *iov, int n, bool write);

/* ---- adaptive spinning (spin.c) ------------------------------------ */
extern int emu_ncpus;
uint64_t spin_budget_faulter(struct emu_ctx *ctx);
void spin_learn_faulter(struct emu_ctx *ctx, uint64_t t, bool hit, bool spun);
uint64_t spin_budget_reader(struct emu_ctx *ctx);
void spin_note_publish(struct emu_ctx *ctx);
bool spin_enter(void);
void spin_leave(void);
bool spin_for_message(struct emu_ctx **ctx, int n, uint64_t budget);

/* ---- fault path (fault.c) ------------------------------------------ */
int fault_install_handler(void);
bool fault_wait(struct emu_ctx *ctx, struct emu_slot *s);

/* Safe user memory access for ioctl arguments: 0 or -EFAULT. */
int safe_read(void *dst, const void *src, size_t n);
int safe_write(void *dst, const void *src, size_t n);

/*
 * The address of @field in the user's ioctl argument @arg, computed without
 * dereferencing: @arg may be NULL or misaligned (the access itself goes
 * through safe_read/safe_write).
 */
#define ARG_FIELD(arg, type, field) \
	((void *)((uintptr_t)(arg) + offsetof(type, field)))

/* ---- cross-process use (remote.c) ---------------------------------- */
#define RPC_STAGING_SIZE (4u << 20)	/* rpc.h RPC_STAGING */
int remote_listen(struct emu_ctx *ctx);		/* owner: at open */
void remote_accept(struct emu_ctx *ctx);	/* owner: service thread */
bool remote_serve(struct emu_ctx *ctx, int i);	/* owner: false = closed */
void remote_close_all(struct emu_ctx *ctx);	/* owner: at release / fork */
int remote_ioctl(struct emu_ctx *ctx, unsigned long request, void *arg);
bool emu_adopt(int fd);				/* recognise a received uffd */
void remote_forget(struct emu_ctx *ctx);	/* client: last fd closed */

/* Orphan policy (orphan.c). */
uint64_t orphan_scan(void);		/* service thread: next check, ns */
void orphan_reader_died(struct emu_ctx *ctx, pid_t pid);
int emu_set_orphan_policy(int fd, enum uffd_orphan_policy policy,
			  uint64_t timeout_ns);
void emu_service_kick(void);

/* The operations behind the ioctl gate (ioctl.c). */
int emu_dispatch(struct emu_ctx *ctx, unsigned long request, void *arg);
int emu_ioctl(int fd, unsigned long request, void *arg);	/* -1, errno */

/* Creation (ctx.c). */
int emu_open(int flags, struct uffd_engine_info *why);
bool emu_available(struct uffd_engine_info *why);

/* ---- what the interposers call (src/interpose/) ------------------------ */
/* fd.c: an emulated uffd as a descriptor; -1 with errno on error. */
bool emu_is_uffd(int fd);
ssize_t emu_fd_read(uint32_t idx, int fd, void *buf, size_t count, bool nowait);
ssize_t emu_fd_readv(uint32_t idx, int fd, const struct iovec *iov, int iovcnt,
		     bool nowait);
void emu_fd_forget(int fd, uint32_t idx);	/* @fd stops naming it */
void emu_fd_remember(int fd, uint32_t idx);	/* @fd names it too */
void emu_fd_closed(uint32_t idx);		/* a descriptor of it was closed */
int emu_fd_close(int fd, uint32_t idx);
/* poll.c: readiness of sets holding emulated uffds. */
int uffd_poll_err(struct emu_ctx *ctx, int fd);
int emu_poll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
	     int timeout, const sigset_t *sigmask, bool is_ppoll);
int emu_select(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv,
	       const struct timespec *ts, const sigset_t *sigmask, bool is_pselect);
/* fdview.c: an emulated uffd seen as a file (fstat, lseek, /proc). */
#define EMU_UFFD_LINK	"anon_inode:[userfaultfd]"
int emu_fd_stat(uint32_t idx, int fd, struct stat *st);
int emu_fd_statx(uint32_t idx, int fd, unsigned int mask, struct statx *stx);
int emu_fd_fdinfo(uint32_t idx, int fd);	/* a descriptor to read it from */
int emu_proc_fd(const char *path, bool *info);
/* epoll.c: epoll sets holding emulated uffds. */
extern _Atomic int ep_nrec;
int emu_epoll_ctl(int epfd, int op, int fd, uint32_t idx,
		  const struct epoll_event *ev);
int emu_epoll_wait(int epfd, struct epoll_event *ev, int max,
		   const struct timespec *ts, const sigset_t *sigmask, int how);
void emu_epoll_forget_epfd(int epfd);
/* mm.c: the process's memory calls, keeping the page-state table right. */
void *emu_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int emu_munmap(void *addr, size_t len);
int emu_madvise(void *addr, size_t len, int advice);
int emu_mprotect(void *addr, size_t len, int prot);
void *emu_mremap(void *old, size_t old_size, size_t new_size, int flags,
		 void *new_addr);

/* ---- operations (register.c, fill.c) --------------------------- */
int op_api(struct emu_ctx *ctx, void *arg);
int op_register(struct emu_ctx *ctx, void *arg);
int op_unregister(struct emu_ctx *ctx, void *arg);
int op_wake(struct emu_ctx *ctx, void *arg);
int op_copy(struct emu_ctx *ctx, void *arg);
int op_copy_from(struct emu_ctx *ctx, void *arg, const void *data,
		 size_t data_ok);
int op_zeropage(struct emu_ctx *ctx, void *arg);
uint64_t emu_features(void);
void register_again(uint32_t ctx_index, uintptr_t s, uintptr_t e, uint32_t word);
void register_moved(uint32_t ctx_index, uintptr_t s, uintptr_t e);
int op_poison(struct emu_ctx *ctx, void *arg);
int op_move(struct emu_ctx *ctx, void *arg);
int op_writeprotect(struct emu_ctx *ctx, void *arg);
int op_continue(struct emu_ctx *ctx, void *arg);

/* fill.c's claiming and installing, shared with move.c. */
enum fill_kind { FILL_COPY, FILL_ZERO, FILL_POISON, FILL_MOVE };
bool page_claim(uintptr_t a, enum fill_kind kind, bool wait);
void release_run(uintptr_t a, size_t n, uint32_t clear, uint32_t set);
long install(uintptr_t dst, uintptr_t src, size_t src_ok, size_t len,
	     int prot, int final);
int fill_result(struct emu_ctx *ctx, long res, __s64 *field,
		uint64_t dst, uint64_t len, bool dontwake);
int fill_changing(struct emu_ctx *ctx, __s64 *field);
void src_prefault(uintptr_t src, size_t src_ok, size_t len);
void pages_unregister_all(struct emu_ctx *ctx, bool in_child);

/*
 * The protection a write-protected page gets: @prot without PROT_WRITE.
 * A PROT_WRITE-only mapping is readable all the same (no MMU the kernel
 * supports has write-only pages: a read of it succeeds), so it keeps
 * PROT_READ -- else write-protecting it would make reads fault.
 */
static inline int prot_wp(int prot)
{
	return (prot & PROT_WRITE) ? (prot & ~PROT_WRITE) | PROT_READ : prot;
}

/*
 * The protection a registered page with word @w has in the kernel's page
 * tables: read-only while write-protected and present, PROT_NONE while a
 * hugetlb page is missing (its marker), else the recorded one.
 */
static inline int page_prot(uint32_t w)
{
	if ((w & (PS_HUGE | PS_MISSING)) == (PS_HUGE | PS_MISSING))
		return PROT_NONE;
	if ((w & PS_WP) && !(w & PS_MISSING))
		return prot_wp(PS_PROT(w));
	return PS_PROT(w);
}

/* Memory map (maps.c). */
struct vma {
	uintptr_t start, end;
	int prot;
	bool shared;
	bool anon;		/* anonymous private or [heap]/[stack] */
	bool special;		/* [vdso], [vvar], [vsyscall] ... */
	bool maywrite;		/* VM_MAYWRITE (only looked up for shared VMAs) */
	off_t offset;		/* file offset of start */
	uint32_t kind;		/* PS_FILE / PS_SHARED, set by vma_kind() */
	char name[64];
};
int maps_read(uintptr_t start, uintptr_t end, struct vma **out, int *n);
int pagemap_read(uintptr_t start, size_t npages, uint64_t *out);

/* A /proc/self file opened once per process (maps.c). */
struct proc_fd {
	_Atomic uint64_t v;	/* pid << 32 | (fd + 1); 0: not open */
};
int proc_fd_get(struct proc_fd *pf, const char *path, int flags);
bool maps_maywrite(uintptr_t start);

/*
 * /proc/self/pagemap and PAGEMAP_SCAN as the kernel would show them for
 * emulated registrations (pagemap.c, pagemap_scan.c).
 */
/* Bit fd % 64 set: a pagemap descriptor with that remainder was noted. */
extern _Atomic uint64_t pagemap_fd_bits;
static inline bool pagemap_maybe(int fd)
{
	return atomic_load_explicit(&pagemap_fd_bits, memory_order_relaxed) &
	       (1ULL << (fd & 63));
}
static inline bool pagemap_any(void)
{
	return atomic_load_explicit(&pagemap_fd_bits, memory_order_relaxed) != 0;
}
bool pagemap_path(const char *path);	/* ends in "pagemap"? */
void pagemap_fd_opened(int fd);		/* note it if it is this process's */
void pagemap_fd_closed(int fd);
void pagemap_fd_dup(int oldfd, int newfd);
bool pagemap_fd_ours(int fd);		/* noted, and still names it */
bool pagemap_fd_check(int fd);		/* the same, noting it if need be */
off_t pagemap_pos(int fd);		/* the file position, for read() */
void pagemap_fix_read(off_t off, void *buf, ssize_t n);
void pagemap_fix_readv(off_t off, const struct iovec *iov, int cnt, ssize_t n);
uint64_t pagemap_entry_fix(uint64_t e, uint32_t w);
long emu_pagemap_scan(int fd, void *arg);	/* -1 with errno */
int wp_protect_range(uintptr_t s, uintptr_t e);	/* wp.c */

/* Shared memory (shmem.c). */
int vma_kind(const struct vma *v, uint32_t *kind);
int fspan_add(uintptr_t vstart, uintptr_t vend, off_t voff, uintptr_t s,
	      uintptr_t e, bool shared);
void fspan_drop(uintptr_t s, uintptr_t e);
void fspan_remap(uintptr_t os, uintptr_t oe, uintptr_t ns, uintptr_t ne,
		 bool keep_old);
bool shm_cached(uintptr_t a);
long shm_install(uintptr_t dst, uintptr_t src, size_t src_ok, size_t len,
		 bool zero);
int fspan_file(uintptr_t a, off_t *off);
off_t file_size(int fd);

/* hugetlb (hugetlb.c). */
enum huge_op { HUGE_COPY, HUGE_CONTINUE, HUGE_POISON };
bool huge_cached(uintptr_t a, uint32_t w);
bool huge_in_file(uintptr_t a);
long huge_fill(enum huge_op op, uintptr_t dst, uintptr_t src, size_t src_ok,
	       size_t len, bool wp);
void huge_zap(uintptr_t s, uintptr_t e, int advice);
int huge_mprotect(uintptr_t s, uintptr_t e, int prot);
bool huge_any(uintptr_t s, uintptr_t e);
void huge_set_words(uintptr_t a, uint32_t w);
bool page_cached(uintptr_t a, uint32_t w);
bool page_unmark(pageword_t *pw, uintptr_t a);

/* Guard-marker helpers. */
int guard_install(uintptr_t start, size_t len);
int guard_remove(uintptr_t start, size_t len);

/* Argument validation shared by every operation (validate.c). */
int validate_range(uint64_t start, uint64_t len);
int validate_unaligned_range(uint64_t start, uint64_t len);

#endif
