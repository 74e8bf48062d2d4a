/* SPDX-License-Identifier: MIT */
/*
 * UFFDIO_MOVE of the emulated engine: the source pages' contents go into
 * absent destination pages (claimed and installed as fill.c does) and the
 * source pages become absent, with the kernel's checks and errno values.
 *
 * May run in a signal handler, like fill.c: no allocation, no locks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

/*
 * Make the moved-out source page absent: missing again (with a marker) if
 * it is registered in MISSING mode, else an ordinary absent page.  Its
 * write protection goes: the kernel clears the source PTE, bit and all
 * (K22: a stale PS_WP made the empty page refuse a MOVE with EEXIST and
 * a write to it fault as WP).
 */
static void src_vacate(uintptr_t a)
{
	pageword_t *pw = pt_word(a);
	uint32_t w = pw ? atomic_load(pw) : 0;

	real_madvise((void *)a, EMU_PAGE_SIZE, MADV_DONTNEED);
	if (!PS_CTX(w))
		return;
	if (PS_MODE(w) & UFFDIO_REGISTER_MODE_MISSING) {
		guard_install(a, EMU_PAGE_SIZE);
		atomic_fetch_or(pw, PS_MISSING);
	}
	if (w & PS_WP) {
		atomic_fetch_and(pw, ~PS_WP);
		real_mprotect((void *)a, EMU_PAGE_SIZE, PS_PROT(w));
	}
}

/*
 * May the source page move?  The kernel wants it anon-exclusive: a page
 * shared copy-on-write at fork stays non-exclusive until written, even
 * after the child exits.  /proc/kpageflags shows that flag (bit 34,
 * PG_anon_exclusive shares PG_mappedtodisk) when we may read it (root);
 * otherwise pagemap's "mapped once" bit is the nearest we can see.
 */
#define KPF_ZERO_PAGE_BIT	24
#define KPF_ANON_EXCL_BIT	34
#define PM_PFN_MASK		((1ULL << 55) - 1)

static int src_movable(uint64_t pm)
{
	static struct proc_fd kpageflags;
	static atomic_bool denied;	/* not root: do not ask again */
	uint64_t pfn = pm & PM_PFN_MASK, flags;
	int kfd = -1;

	if (pfn && !atomic_load(&denied)) {
		kfd = proc_fd_get(&kpageflags, "/proc/kpageflags", O_RDONLY);
		if (kfd < 0)
			atomic_store(&denied, true);
	}
	if (kfd >= 0 &&
	    real_pread(kfd, &flags, sizeof(flags), (off_t)(pfn * sizeof(flags))) ==
	    (ssize_t)sizeof(flags)) {
		if (flags & (1ULL << KPF_ZERO_PAGE_BIT))
			return 1;
		return (flags >> KPF_ANON_EXCL_BIT) & 1;
	}
	return (pm & PM_EXCLUSIVE) ? 1 : -1;	/* -1: unknown, check zeros */
}

static bool page_all_zero(uintptr_t a)
{
	const uint64_t *p = (const uint64_t *)a;
	size_t i;

	for (i = 0; i < EMU_PAGE_SIZE / sizeof(*p); i++)
		if (p[i])
			return false;
	return true;
}

/* Does source page @a carry a write-protect or poison marker of ours? */
static bool src_marked(uintptr_t a)
{
	pageword_t *pw = pt_word(a);
	uint32_t w = pw ? atomic_load(pw) : 0;

	return PS_CTX(w) && (w & PS_MISSING) && (w & (PS_WP | PS_POISON));
}

/*
 * Move pages one at a time (spec 7.8): each destination page must be
 * absent, each source page present and exclusive to this process (a page
 * shared copy-on-write with a fork child is EBUSY), unless it is a hole
 * and ALLOW_SRC_HOLES is given.  The contents are copied, then the source
 * page is dropped.
 */
static long fill_move(uintptr_t dst, uintptr_t src, size_t len, bool holes)
{
	size_t np = len / EMU_PAGE_SIZE, i;
	int prot = (int)PS_PROT(atomic_load(pt_word(dst)));	/* move_check() */
	long done = 0;

	for (i = 0; i < np; i++) {
		uintptr_t d = dst + i * EMU_PAGE_SIZE, s = src + i * EMU_PAGE_SIZE;
		uint64_t pm;
		int movable;
		long r;

		/* The destination first: the kernel reports EEXIST before ENOENT. */
		if (!page_claim(d, FILL_MOVE, true))
			return done ? done : -EEXIST;
		if (pagemap_read(s, 1, &pm)) {
			release_run(d, 1, 0, 0);
			return done ? done : -EFAULT;
		}
		if (src_marked(s)) {
			/* A WP or poison marker is not a hole (kernel: EFAULT). */
			release_run(d, 1, 0, 0);
			return done ? done : -EFAULT;
		}
		if (!(pm & (PM_PRESENT | PM_SWAP)) || (pm & PM_GUARD)) {
			release_run(d, 1, 0, 0);
			if (!holes)
				return done ? done : -ENOENT;
			done += (long)EMU_PAGE_SIZE;
			continue;
		}
		movable = src_movable(pm);
		if (!movable || (movable < 0 && !page_all_zero(s))) {
			release_run(d, 1, 0, 0);
			return done ? done : -EBUSY;
		}
		r = install(d, s, EMU_PAGE_SIZE, EMU_PAGE_SIZE, prot, prot);
		if (r < 0) {
			release_run(d, 1, 0, 0);
			return done ? done : r;
		}
		release_run(d, 1, PS_MISSING | PS_POISON | PS_WP, 0);
		src_vacate(s);
		done += (long)EMU_PAGE_SIZE;
	}
	return done;
}

/*
 * What UFFDIO_MOVE needs to know of the VMA holding [a, a + len): from the
 * page words for registered memory, else from /proc/self/maps (which is
 * not async-signal-safe: a MOVE from a signal handler should use a
 * registered source).
 */
struct move_vma {
	uint32_t w;		/* page word of a registered range, else 0 */
	int prot;
	bool covers;		/* the VMA holds the whole range */
	bool shared, anon;
};

static int move_vma_find(uintptr_t a, size_t len, struct move_vma *m)
{
	pageword_t *pw = pt_word(a);
	uint32_t w = pw ? atomic_load(pw) : 0;
	struct vma *v = NULL;
	uintptr_t p;
	int n = 0, err;

	if (PS_CTX(w)) {
		/* Registered: the recorded VMA protection, not a WP run's. */
		*m = (struct move_vma){ w, (int)PS_PROT(w), true,
					(w & PS_SHARED) != 0, !(w & PS_FILE) };
		for (p = a + EMU_PAGE_SIZE; p < a + len; p += EMU_PAGE_SIZE) {
			pw = pt_word(p);
			if (!pw || ((atomic_load(pw) ^ w) & PS_VMA_MASK)) {
				m->covers = false;
				break;
			}
		}
		return 0;
	}
	err = maps_read(a, a + len, &v, &n);
	if (err)
		return err;
	if (!n || v[0].start > a)
		return -ENOENT;
	*m = (struct move_vma){ 0, v[0].prot, v[0].end >= a + len,
				v[0].shared, v[0].anon && !v[0].shared };
	/* The kernel's VMA ends where a registration begins. */
	if (!m->covers || !pt_maybe(a, a + len))
		return 0;
	for (p = a; p < a + len; p += EMU_PAGE_SIZE) {
		pw = pt_word(p);
		if (!pw)
			p = pt_leaf_end(p) - EMU_PAGE_SIZE;	/* no leaf here */
		else if (PS_CTX(atomic_load(pw))) {
			m->covers = false;
			break;
		}
	}
	return 0;
}

/*
 * The kernel's checks of the two VMAs, in its order (move_pages(), spec
 * 7.8): both exist (ENOENT), neither is shared and each holds its whole
 * range, same protection, writable, the destination registered with this
 * uffd, both anonymous (EINVAL).
 */
static int move_check(struct emu_ctx *ctx, uintptr_t dst, uintptr_t src,
		      size_t len)
{
	struct move_vma d, s;
	int err;

	err = move_vma_find(dst, len, &d);
	if (!err)
		err = move_vma_find(src, len, &s);
	if (err)
		return err;
	if (s.shared || !s.covers || d.shared || !d.covers)
		return -EINVAL;
	if (s.prot != d.prot || !(s.prot & PROT_WRITE))
		return -EINVAL;
	if (!d.w || PS_CTX(d.w) != ctx->index)
		return -EINVAL;
	if (!s.anon || !d.anon)
		return -EINVAL;
	return 0;
}

int op_move(struct emu_ctx *ctx, void *arg)
{
	struct uffdio_move m;
	long res;
	int err;

	err = fill_changing(ctx, ARG_FIELD(arg, struct uffdio_move, move));
	if (err)
		return err;
	if (safe_read(&m, arg, sizeof(m) - sizeof(m.move)))
		return -EFAULT;
	err = validate_range(m.dst, m.len);
	if (!err)
		err = validate_range(m.src, m.len);
	if (err)
		return err;
	if (m.mode & ~(UFFDIO_MOVE_MODE_DONTWAKE | UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES))
		return -EINVAL;
	res = move_check(ctx, m.dst, m.src, m.len);
	if (!res)
		res = fill_move(m.dst, m.src, m.len,
				m.mode & UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES);
	return fill_result(ctx, res, ARG_FIELD(arg, struct uffdio_move, move),
			   m.dst, m.len, m.mode & UFFDIO_MOVE_MODE_DONTWAKE);
}

