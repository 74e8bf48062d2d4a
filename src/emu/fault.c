/* SPDX-License-Identifier: MIT */
/*
 * The fault path: the SIGSEGV handler of the emulated engine.
 *
 * Runs in signal context on the faulting thread.  Rules (see emu.h):
 *  - async-signal-safe calls only: no malloc, no stdio, no mutex;
 *  - the page-state table and the context table are read lock-free (I1,
 *    I6); a context is used only between ctx_acquire() and ctx_put();
 *  - slots are claimed and published with atomics (I4, I5);
 *  - errno is preserved for the interrupted code.
 *
 * A fault the engine does not own goes to the application's handler
 * (base/sigchain.c) exactly as the kernel would have delivered it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <ucontext.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/self.h"
#include "base/sigchain.h"
#include "base/sys.h"

#define TLS __attribute__((tls_model("initial-exec"))) __thread

/* ---- safe access to ioctl arguments ------------------------------------ */

/*
 * The kernel copies ioctl arguments with copy_from_user() and fails with
 * EFAULT on a bad pointer.  We copy with plain loads and stores; a fault
 * inside comes back here through the handler.
 */
static TLS sigjmp_buf *safe_jb;
static TLS sigset_t safe_mask;
static TLS bool fault_quiet;	/* resolving a fault of safe_copy() */

__attribute__((noinline, no_sanitize("address", "undefined"))) static void
copy_bytes(volatile unsigned char *d, const volatile unsigned char *s, size_t n)
{
	while (n--)
		*d++ = *s++;
}

/*
 * One 8-byte store, as the kernel's put_user() of a result field: a store
 * that faults (the field straddles into an unmapped page) writes nothing,
 * where a byte copy would leave the bytes before the fault written.
 */
struct unaligned_u64 {
	uint64_t v;
} __attribute__((packed));

__attribute__((noinline, no_sanitize("address", "undefined"))) static void
store_u64(volatile void *d, const void *s)
{
	uint64_t v;

	__builtin_memcpy(&v, s, sizeof(v));
	((volatile struct unaligned_u64 *)d)->v = v;
}

static int safe_copy(void *dst, const void *src, size_t n, bool whole)
{
	sigjmp_buf jb;

	if (sigsetjmp(jb, 0)) {
		safe_jb = NULL;
		real_pthread_sigmask(SIG_SETMASK, &safe_mask, NULL);
		return -EFAULT;
	}
	safe_jb = &jb;
	__asm__ __volatile__("" ::: "memory");
	if (whole)
		store_u64(dst, src);
	else
		copy_bytes(dst, src, n);
	__asm__ __volatile__("" ::: "memory");
	safe_jb = NULL;
	return 0;
}

int safe_read(void *dst, const void *src, size_t n)
{
	return safe_copy(dst, src, n, false);
}

int safe_write(void *dst, const void *src, size_t n)
{
	return safe_copy(dst, src, n, n == sizeof(uint64_t));
}

/* ---- fault classification ---------------------------------------------- */

#define ACC_WRITE 1
#define ACC_EXEC  2

static int access_kind(void *ucv)
{
#if defined(__x86_64__)
	ucontext_t *uc = ucv;
	unsigned long err = (unsigned long)uc->uc_mcontext.gregs[REG_ERR];

	return (err & 2 ? ACC_WRITE : 0) | (err & 16 ? ACC_EXEC : 0);
#elif defined(__aarch64__)
	ucontext_t *uc = ucv;
	struct _aarch64_ctx *h = (void *)uc->uc_mcontext.__reserved;

	while (h->magic) {
		if (h->magic == ESR_MAGIC) {
			uint64_t esr = ((struct esr_context *)h)->esr;
			unsigned int ec = (unsigned int)(esr >> 26);

			if (ec == 0x20 || ec == 0x21)
				return ACC_EXEC;
			return (esr & (1u << 6)) ? ACC_WRITE : 0;	/* WnR */
		}
		h = (void *)((char *)h + h->size);
	}
	return 0;
#else
	(void)ucv;
	return 0;
#endif
}

/* May an access of this kind proceed under the recorded protection? */
static bool prot_allows(int prot, int acc)
{
	if (acc & ACC_EXEC)
		return prot & PROT_EXEC;
	if (acc & ACC_WRITE)
		return prot & PROT_WRITE;
	return prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

/*
 * "Retry" means: the page changed between the access and our look at it
 * (an install or unregister completed).  A fault that keeps coming back
 * unchanged is not ours after all.
 */
static TLS uintptr_t retry_addr;
static TLS unsigned int retry_count;

static bool retry_ok(uintptr_t addr, unsigned int limit)
{
	if (addr != retry_addr) {
		retry_addr = addr;
		retry_count = 0;
	}
	return ++retry_count < limit;
}

static void retry_reset(void)
{
	retry_addr = 0;
	retry_count = 0;
}

static void wait_not_busy(pageword_t *pw)
{
	unsigned int n = 0;

	while (atomic_load_explicit(pw, memory_order_acquire) & PS_BUSY) {
		if (++n < 1000)
			cpu_relax();
		else
			sched_yield();
	}
}

/* ---- waiting ----------------------------------------------------------- */

/*
 * Wait until a resolver marks our slot WOKEN (returns false; the caller
 * frees the slot), or until a signal handler ran on this thread (returns
 * true: the slot was withdrawn and may already belong to another thread).  Spin first -- the sleeping
 * cross-CPU wake-up costs 20-40 us here, far more than most resolutions --
 * but only for a bounded time derived from recent round trips, and never on
 * a single CPU, where spinning only delays the handler.
 */
bool fault_wait(struct emu_ctx *ctx, struct emu_slot *s)
{
	uint64_t t0 = now_ns(), rtt = atomic_load_explicit(&ctx->rtt_ns,
							    memory_order_relaxed);
	uint64_t budget = spin_budget_faulter(ctx), t;
	bool spin = budget && spin_enter(), spun = spin, slept = false;
	uint32_t st;

	for (;;) {
		unsigned int i;

		st = atomic_load_explicit(&s->state, memory_order_acquire);
		if ((st & SLOT_STATE_MASK) == SLOT_WOKEN)
			break;
		if (spin) {
			for (i = 0; i < 64; i++)
				cpu_relax();
			if (now_ns() - t0 < budget)
				continue;
			spin_leave();
			spin = false;
		}
		/* Sleep: announce it, then wait on the state word. */
		if (!(st & SLOT_SLEEPING) &&
		    !atomic_compare_exchange_strong(&s->state, &st,
						    st | SLOT_SLEEPING))
			continue;
		st |= SLOT_SLEEPING;
		slept = true;
		if (sys_futex_wait(&s->state, st, NULL) < 0 && errno == EINTR) {
			/*
			 * A signal handler ran on this thread.  As with the
			 * kernel, the access is re-executed and faults again,
			 * queueing a new message; this one is withdrawn.
			 */
			if (slot_withdraw(ctx, s))
				return true;
		}
	}
	if (spin)
		spin_leave();
	t = now_ns() - t0;
	/* Exponential moving average, 1/8 weight. */
	atomic_store_explicit(&ctx->rtt_ns, rtt - rtt / 8 + t / 8,
			      memory_order_relaxed);
	if (spun)
		atomic_fetch_add_explicit(&ctx->spin_ns, t < budget ? t : budget,
					  memory_order_relaxed);
	spin_learn_faulter(ctx, t, !slept, spun);
	atomic_fetch_add_explicit(slept ? &ctx->sleeps : &ctx->spin_hits, 1,
				  memory_order_relaxed);
	return false;
}

/*
 * UFFD_FEATURE_SIGBUS and poisoned pages: SIGBUS, BUS_ADRERR, the exact
 * address, to the faulting thread, with the application's handler run
 * directly on this fault's context (base/sigchain.c sig_chain).
 */
static void raise_sigbus(uintptr_t addr, ucontext_t *uc)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGBUS;
	si.si_code = BUS_ADRERR;
	si.si_addr = (void *)addr;
	sig_chain(SIGBUS, &si, uc, true);
}

/* ---- the handler ------------------------------------------------------- */

/*
 * F_DONE: handled, re-execute; F_RETRY: transient, re-execute (bounded);
 * F_CHAIN: not ours; F_SIGBUS: raise SIGBUS (after dropping the context:
 * the application's handler may siglongjmp and never come back).
 */
enum { F_DONE, F_RETRY, F_CHAIN, F_SIGBUS };

/*
 * Queue a message for this fault and wait for its resolution.  @mask/@val:
 * the page-word bits that make this a fault; if a resolver changed them
 * before it could see our slot (I5), we withdraw and retry the access.
 */
static int queue_fault(struct emu_ctx *ctx, pageword_t *pw, uint32_t w,
		       uintptr_t addr, uint64_t flags, uint32_t mask, uint32_t val)
{
	uint64_t feat = ctx_features(ctx);
	struct uffd_msg m;
	struct emu_slot *s;
	int r = F_DONE;
	uint32_t w2;

	s = slot_claim(ctx);
	s->kind = SLOT_FAULT;
	/* The thread id costs a system call: only when asked for. */
	s->tid = (feat & UFFD_FEATURE_THREAD_ID) ? sys_gettid() : 0;
	memset(&m, 0, sizeof(m));
	m.event = UFFD_EVENT_PAGEFAULT;
	m.arg.pagefault.flags = flags;
	/* A huge page's fault is reported at its start (hugetlb_fault). */
	m.arg.pagefault.address = (feat & UFFD_FEATURE_EXACT_ADDRESS) ?
				  addr : ps_base(addr, w);
	/* UFFDIO_WAKE matches the address reported, as the kernel's does. */
	s->addr = m.arg.pagefault.address;
	if (feat & UFFD_FEATURE_THREAD_ID)
		m.arg.pagefault.feat.ptid = (uint32_t)s->tid;
	slot_set_msg(s, &m);
	atomic_fetch_add_explicit(&ctx->sh->outstanding, 1, memory_order_relaxed);
	slot_publish_quiet(ctx, s);

	/* I5: did a resolver change the page before seeing our slot? */
	w2 = atomic_load(pw);
	if (((w2 & mask) != val || PS_CTX(w2) != PS_CTX(w) ||
	     atomic_load(&ctx->state) != CTX_LIVE) && slot_withdraw_quiet(ctx, s))
		goto out;
	slot_announce(ctx);
	if (!fault_wait(ctx, s)) {
		/* The orphan policy may have woken us for a SIGBUS. */
		if (s->flags & SLOT_F_SIGBUS)
			r = F_SIGBUS;
		slot_free(s);
	}
out:
	atomic_fetch_sub_explicit(&ctx->sh->outstanding, 1, memory_order_relaxed);
	return r;
}

/*
 * A read of a never-populated page that carries only a write-protect
 * marker (WP-only registration with WP_UNPOPULATED): the kernel maps the
 * zero page, still write-protected, without a message.
 */
static int wp_marker_read(pageword_t *pw, uintptr_t addr)
{
	uint32_t w = atomic_load(pw);
	uintptr_t page = ps_base(addr, w);
	size_t size = ps_size(w);
	int prot;

	if ((w & (PS_BUSY | PS_MISSING | PS_WP)) != (PS_MISSING | PS_WP) ||
	    !atomic_compare_exchange_strong(pw, &w, w | PS_BUSY))
		return F_DONE;
	prot = prot_wp(PS_PROT(w));
	real_mprotect((void *)page, size, prot);
	if (!(w & PS_HUGE))
		guard_remove(page, size);
	if (prot & PROT_READ)
		real_madvise((void *)page, size, MADV_POPULATE_READ);
	if (w & PS_HUGE)
		huge_set_words(page, w & ~PS_MISSING);
	else
		atomic_store(pw, w & ~(PS_MISSING | PS_BUSY));
	return F_DONE;
}

/*
 * A file page our mapping has a marker on, but the kernel would map
 * without a message (it is in the page cache, or an ordinary fault would
 * allocate it): drop the marker so that the access can be retried.  A
 * write-protected huge page keeps its protection (read-only).  Returns
 * whether it was this call that dropped it.
 */
bool page_unmark(pageword_t *pw, uintptr_t addr)
{
	uint32_t w = atomic_load(pw);

	if ((w & (PS_BUSY | PS_MISSING)) != PS_MISSING ||
	    !atomic_compare_exchange_strong(pw, &w, w | PS_BUSY))
		return false;
	w &= ~PS_MISSING;
	if (w & PS_HUGE) {
		real_mprotect((void *)ps_base(addr, w), HUGE_SIZE, page_prot(w));
		huge_set_words(ps_base(addr, w), w);
	} else {
		guard_remove(addr & EMU_PAGE_MASK, EMU_PAGE_SIZE);
		atomic_store(pw, w & ~PS_BUSY);
	}
	return true;
}

static int unmark(pageword_t *pw, uintptr_t addr)
{
	page_unmark(pw, addr);
	return F_DONE;
}

/*
 * A present page write-protected before a REGISTER changed its mode to one
 * without WP: the protection is dormant, as the kernel's uffd-wp PTE bit
 * in a VMA without VM_UFFD_WP, and the access proceeds without a message.
 */
static int wp_dormant(pageword_t *pw, uintptr_t addr)
{
	uint32_t w = atomic_load(pw);

	if ((w & (PS_BUSY | PS_MISSING | PS_WP)) != PS_WP ||
	    (PS_MODE(w) & UFFDIO_REGISTER_MODE_WP) ||
	    !atomic_compare_exchange_strong(pw, &w, w | PS_BUSY))
		return F_DONE;
	real_mprotect((void *)ps_base(addr, w), ps_size(w), PS_PROT(w));
	if (w & PS_HUGE)
		huge_set_words(ps_base(addr, w), w & ~PS_WP);
	else
		atomic_store(pw, w & ~(PS_WP | PS_BUSY));
	return F_DONE;
}

/*
 * UFFD_FEATURE_WP_ASYNC: a write to a write-protected page is resolved at
 * once, without a message, as the kernel does: the protection goes (pagemap
 * bit 57 clears, PAGEMAP_SCAN reports the page written) and the access is
 * retried.  A write-protect marker goes with its guard marker, so that the
 * retried write populates the page.
 */
static int wp_async_write(pageword_t *pw, uintptr_t addr)
{
	uint32_t w = atomic_load(pw);
	uintptr_t page = ps_base(addr, w);
	size_t size = ps_size(w);

	if ((w & (PS_BUSY | PS_WP)) != PS_WP ||
	    !atomic_compare_exchange_strong(pw, &w, w | PS_BUSY))
		return F_DONE;
	if ((w & PS_MISSING) && !(w & PS_HUGE))
		guard_remove(page, size);
	else
		real_mprotect((void *)page, size, PS_PROT(w));
	if (w & PS_HUGE)
		huge_set_words(page, w & ~(PS_WP | PS_MISSING));
	else
		atomic_store(pw, w & ~(PS_WP | PS_MISSING | PS_BUSY));
	return F_DONE;
}

/*
 * A fault on a registered page of a live context of ours: what the kernel
 * would do with it (spec 9.1).  With fault_quiet (an access made by the
 * engine itself, on behalf of an ioctl), only what needs no message: a
 * fault that would queue one or raise SIGBUS answers F_CHAIN, and the
 * ioctl fails with EFAULT.
 */
static int uffd_fault(struct emu_ctx *ctx, pageword_t *pw, uint32_t w,
		      uintptr_t addr, int acc, siginfo_t *si)
{
	unsigned int mode = PS_MODE(w);
	uint64_t wflag = (acc & ACC_WRITE) ? UFFD_PAGEFAULT_FLAG_WRITE : 0;
	bool sigbus = ctx_features(ctx) & UFFD_FEATURE_SIGBUS;
	bool wp_async = ctx_features(ctx) & UFFD_FEATURE_WP_ASYNC;

	if ((w & PS_WP) && !(mode & UFFDIO_REGISTER_MODE_WP)) {
		uint32_t nw = w & ~PS_WP;

		if (!(w & PS_MISSING))
			return wp_dormant(pw, addr);
		/*
		 * A dormant marker: the kernel clears it at the first access
		 * (pte_marker_handle_uffd_wp), before the fault goes on as
		 * an ordinary one - even when that fails (an ioctl argument
		 * read: EFAULT).  The page is then simply missing (K20).
		 */
		if (!atomic_compare_exchange_strong(pw, &w, nw))
			return F_DONE;		/* changed meanwhile: look again */
		w = nw;
	}
	if (w & PS_MISSING) {
		/* Our marker: a guard marker, or PROT_NONE on a huge page. */
		if (si->si_code != ((w & PS_HUGE) ? SEGV_ACCERR : SEGV_MAPERR))
			return retry_ok(addr, 256) ? F_RETRY : F_CHAIN;
		/* A poisoned page, or a huge page past the end of its file. */
		if ((w & PS_POISON) || ((w & PS_HUGE) && !huge_in_file(addr)))
			return fault_quiet ? F_CHAIN : F_SIGBUS;
		/* shmem, hugetlb: the page cache decides (shmem.c, hugetlb.c). */
		if ((w & PS_FILE) && !(w & PS_WP && !(mode & (UFFDIO_REGISTER_MODE_MISSING |
							      UFFDIO_REGISTER_MODE_MINOR)))) {
			bool cached = page_cached(addr, w);

			if (cached && (mode & UFFDIO_REGISTER_MODE_MINOR)) {
				if (sigbus)
					return fault_quiet ? F_CHAIN : F_SIGBUS;
				return fault_quiet ? F_CHAIN : queue_fault(ctx, pw, w, addr,
						   UFFD_PAGEFAULT_FLAG_MINOR | wflag,
						   PS_MISSING | PS_POISON, PS_MISSING);
			}
			if (cached || !(mode & UFFDIO_REGISTER_MODE_MISSING))
				return unmark(pw, addr);
		}
		if (mode & UFFDIO_REGISTER_MODE_MISSING) {
			if (sigbus) {
				return fault_quiet ? F_CHAIN : F_SIGBUS;
			}
			return fault_quiet ? F_CHAIN : queue_fault(ctx, pw, w, addr, wflag,
					   PS_MISSING | PS_POISON, PS_MISSING);
		}
		if ((mode & UFFDIO_REGISTER_MODE_WP) && (w & PS_WP)) {
			if (!wflag)
				return wp_marker_read(pw, addr);
			if (wp_async)
				return wp_async_write(pw, addr);
			if (sigbus) {
				return fault_quiet ? F_CHAIN : F_SIGBUS;
			}
			return fault_quiet ? F_CHAIN : queue_fault(ctx, pw, w, addr,
					   UFFD_PAGEFAULT_FLAG_WP | wflag,
					   PS_MISSING | PS_WP, PS_MISSING | PS_WP);
		}
		return retry_ok(addr, 256) ? F_RETRY : F_CHAIN;
	}
	if ((w & PS_WP) && (mode & UFFDIO_REGISTER_MODE_WP) && wflag &&
	    si->si_code == SEGV_ACCERR) {
		if (wp_async)
			return wp_async_write(pw, addr);
		if (sigbus) {
			return fault_quiet ? F_CHAIN : F_SIGBUS;
		}
		return fault_quiet ? F_CHAIN : queue_fault(ctx, pw, w, addr, UFFD_PAGEFAULT_FLAG_WP | wflag,
				   PS_MISSING | PS_WP, PS_WP);
	}
	return retry_ok(addr, 256) ? F_RETRY : F_CHAIN;
}

static int handle(uintptr_t addr, siginfo_t *si, ucontext_t *uc)
{
	pageword_t *pw = pt_word(addr);
	int acc = access_kind(uc);
	struct emu_ctx *ctx;
	uint32_t w;
	int r;

	if (!pw)
		return F_CHAIN;
	w = atomic_load(pw);
	if (w & PS_HUGE) {
		/* A huge page's state and BUSY live in its first word. */
		pw = pt_word(ps_base(addr, w));
		w = atomic_load(pw);
	}
	if (w & PS_BUSY) {
		wait_not_busy(pw);
		retry_reset();
		return F_DONE;
	}
	if (!PS_CTX(w))
		return retry_ok(addr, 3) ? F_RETRY : F_CHAIN;
	/* A protection violation of the application's own making. */
	if (si->si_code == SEGV_ACCERR && !prot_allows(PS_PROT(w), acc))
		return F_CHAIN;
	ctx = ctx_acquire(PS_CTX(w));
	if (!ctx)
		return retry_ok(addr, 256) ? F_RETRY : F_CHAIN;
	if (ctx->owner != self_pid()) {
		/* A child that missed the fork hook (raw clone): unregistered. */
		ctx_put(ctx);
		if ((w & PS_MISSING) && !(w & PS_HUGE))
			guard_remove(addr & EMU_PAGE_MASK, EMU_PAGE_SIZE);
		if (w & (PS_WP | PS_MISSING))
			real_mprotect((void *)ps_base(addr, w), ps_size(w), PS_PROT(w));
		if (w & PS_HUGE)
			huge_set_words(ps_base(addr, w), 0);
		else
			atomic_store(pw, 0);
		return F_DONE;
	}
	r = uffd_fault(ctx, pw, w, addr, acc, si);
	ctx_put(ctx);
	if (r == F_DONE || r == F_SIGBUS)
		retry_reset();
	if (r == F_SIGBUS) {
		raise_sigbus(addr, uc);	/* may not return */
		r = F_DONE;
	}
	return r;
}

static void on_sigsegv(int sig, siginfo_t *si, void *ucv)
{
	int saved_errno = errno;
	sigjmp_buf *jb = safe_jb;

	if (jb && si->si_code > 0) {
		/*
		 * The engine's own access to an ioctl argument or a COPY
		 * source: resolved as copy_from_user() would be where that
		 * needs no message (a shmem page to map, a WP marker to read
		 * through), else EFAULT.
		 */
		int r;

		fault_quiet = true;
		r = handle((uintptr_t)si->si_addr, si, ucv);
		fault_quiet = false;
		if (r != F_CHAIN) {
			errno = saved_errno;
			return;
		}
		safe_mask = ((ucontext_t *)ucv)->uc_sigmask;
		safe_jb = NULL;
		siglongjmp(*jb, 1);
	}
	if (si->si_code <= 0 || handle((uintptr_t)si->si_addr, si, ucv) == F_CHAIN)
		sig_chain(sig, si, ucv, false);
	errno = saved_errno;
}

int fault_install_handler(void)
{
	int err;

	emu_ncpus = get_nprocs();
	err = sig_take_over(SIGSEGV, on_sigsegv);
	return err ? err : sigbus_take_over();
}
