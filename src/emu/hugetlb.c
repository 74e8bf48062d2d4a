/* SPDX-License-Identifier: MIT */
/*
 * hugetlb for the emulated engine: MAP_HUGETLB, memfd MFD_HUGETLB and
 * hugetlbfs files with 2 MiB pages, private and shared, in MISSING, WP and
 * MINOR mode, with UFFDIO_COPY, CONTINUE and POISON in whole huge pages.
 *
 * Markers.  hugetlb VMAs refuse guard markers (MADV_GUARD_INSTALL answers
 * EINVAL), so a missing huge page is hidden with PROT_NONE instead: an
 * access faults with SEGV_ACCERR, and the page word (PS_MISSING, with a
 * recorded protection that allows the access) tells the fault path the
 * fault is ours.  A run of PROT_NONE pages is a VMA of its own, so the VMA
 * cost is one per run of missing pages: at most one per 2 MiB when every
 * other page is filled (docs/emulated-engine.md has the measurement).
 *
 * Page words.  Each 4 KiB page of a huge page keeps a word, all 512 the
 * same, so that every lookup by address works; PS_BUSY is taken on the
 * first word (the head) only, and the fault path reads the head.  Owners
 * publish the tails first and the head last (huge_set_words).
 *
 * Presence.  The kernel decides a hugetlb fault by the file's page cache,
 * for private mappings too (a page a shared mapping put in the cache is
 * mapped, not reported missing).  mincore() reports only this mapping's
 * page table for hugetlb, cachestat() refuses hugetlbfs, and a read
 * through a shared mapping would allocate the page.  A MAP_PRIVATE,
 * MAP_NORESERVE, read-only mapping of the huge page leaves the cache
 * alone: a read fault maps the cached page (pagemap: PM_FILE) or, for a
 * hole, a private zeroed copy (PM_FILE clear), gone with the munmap.
 *
 * Installing.  A private page is written through /proc/self/mem, which
 * writes a PROT_NONE private hugetlb page (FOLL_FORCE) and allocates it.
 * A shared page goes into the page cache through a second, shared mapping
 * of the file made for the copy (FOLL_FORCE does not write a shared
 * mapping, and hugetlbfs has no write()); then the registered mapping
 * gets its protection and the page is mapped.
 *
 * Everything here may run in a signal handler (SIGBUS handlers resolve
 * their own faults): system calls only, no allocation, no locks.
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

/* Store @w in a word, which keeps its own PS_BUSY. */
static void store_state(pageword_t *pw, uint32_t w)
{
	uint32_t old = atomic_load(pw);

	while (!atomic_compare_exchange_weak(pw, &old, (w & ~PS_BUSY) | (old & PS_BUSY)))
		;
}

/*
 * Store the state @w in every word of the huge page at @a, the head last;
 * then drop the head's BUSY unless @w has PS_BUSY.  So an owner publishes
 * and lets go in one call (the state is in place before BUSY drops), and
 * a caller that keeps the page passes PS_BUSY.
 */
void huge_set_words(uintptr_t a, uint32_t w)
{
	uintptr_t p;

	for (p = a + EMU_PAGE_SIZE; p < a + HUGE_SIZE; p += EMU_PAGE_SIZE)
		store_state(pt_word(p), w);
	store_state(pt_word(a), w);
	if (!(w & PS_BUSY))
		atomic_fetch_and(pt_word(a), ~PS_BUSY);
}

/*
 * Is @fd the file of a MAP_ANONYMOUS|MAP_HUGETLB mapping?  Each such
 * mapping has a file of its own, whose page cache only shared mappings
 * of it fill.  (readlink of /proc/self/fd/N, the name built by hand.)
 */
static bool anon_hugepage(int fd)
{
	static const char name[] = "/anon_hugepage";
	char path[32] = "/proc/self/fd/", digits[12], target[sizeof(name)];
	size_t n = 0, len = 14;

	do
		digits[n++] = (char)('0' + fd % 10);
	while ((fd /= 10) && n < sizeof(digits));
	while (n)
		path[len++] = digits[--n];
	path[len] = '\0';
	return readlink(path, target, sizeof(target)) >= (ssize_t)sizeof(name) - 1 &&
	       !memcmp(target, name, sizeof(name) - 1);
}

/*
 * Is the huge page of word @w at @a in its file's page cache?  (See the
 * top.)  A private anonymous mapping's never is: no probe for it.
 */
bool huge_cached(uintptr_t a, uint32_t w)
{
	uint64_t pm = 0;
	off_t off, size;
	bool cached;
	void *p;
	int fd = fspan_file(a & HUGE_MASK, &off);

	if (fd < 0 || (!(w & PS_SHARED) && anon_hugepage(fd)))
		return false;
	size = file_size(fd);
	if (size < 0 || off >= size)
		return false;
	p = real_mmap(NULL, HUGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_NORESERVE, fd, off);
	if (p == MAP_FAILED)
		return false;
	/* No free huge page for a hole's copy: then it is a hole. */
	cached = !real_madvise(p, HUGE_SIZE, MADV_POPULATE_READ) &&
		 !pagemap_read((uintptr_t)p, 1, &pm) &&
		 (pm & (PM_PRESENT | PM_FILE)) == (PM_PRESENT | PM_FILE);
	real_munmap(p, HUGE_SIZE);
	return cached;
}

/* shmem or hugetlb: is the page of word @w at @a in the page cache? */
bool page_cached(uintptr_t a, uint32_t w)
{
	return (w & PS_HUGE) ? huge_cached(a, w) : shm_cached(a);
}

/* The file offset of @a if it is inside its file, or -EFAULT. */
static off_t huge_offset(uintptr_t a, int *fd)
{
	off_t off, size;

	*fd = fspan_file(a, &off);
	if (*fd < 0)
		return -EFAULT;
	size = file_size(*fd);
	return size >= 0 && off < size ? off : -EFAULT;
}

/*
 * Is the huge page at @a inside its file?  One past the end raises SIGBUS
 * (hugetlb_no_page checks i_size before it looks for a registration).
 */
bool huge_in_file(uintptr_t a)
{
	int fd;

	return huge_offset(a & HUGE_MASK, &fd) >= 0 || fd < 0;
}

/* A failed write through /proc/self/mem as the kernel's copy reports it. */
static long write_error(void)
{
	/* EIO: nothing written, the huge page could not be allocated. */
	return errno == EIO ? -ENOMEM : -EFAULT;
}

/*
 * UFFDIO_COPY into a private huge page at @a (claimed, absent, hidden):
 * written whole through /proc/self/mem, or not at all.
 */
static long copy_private(uintptr_t a, uintptr_t src, size_t src_ok)
{
	int memfd = emu_memfd(), fd;
	long err;

	if (memfd < 0)
		return -ENOMEM;
	/* Past the end of the file (a private map of a memfd can be). */
	if (src_ok < HUGE_SIZE || (huge_offset(a, &fd) < 0 && fd >= 0))
		return -EFAULT;
	if (real_pwrite(memfd, (void *)src, HUGE_SIZE, (off_t)a) == (ssize_t)HUGE_SIZE)
		return 0;
	err = write_error();
	/* The kernel never maps a page it could not fill. */
	real_madvise((void *)a, HUGE_SIZE, MADV_DONTNEED);
	return err;
}

/*
 * UFFDIO_COPY into a shared huge page at @a (claimed, hidden, not mapped):
 * into the page cache through a mapping of our own, or EEXIST when the
 * cache has the page already.  A partly written page is punched out.
 */
static long copy_shared(uintptr_t a, uintptr_t src, size_t src_ok)
{
	int memfd = emu_memfd(), fd;
	off_t off = huge_offset(a, &fd);
	long err = 0;
	void *alias;

	if (memfd < 0)
		return -ENOMEM;
	if (off < 0)
		return -EFAULT;
	if (huge_cached(a, PS_SHARED))
		return -EEXIST;
	if (src_ok < HUGE_SIZE)
		return -EFAULT;
	alias = real_mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_NORESERVE, fd, off);
	if (alias == MAP_FAILED)
		return -errno;
	if (real_pwrite(memfd, (void *)src, HUGE_SIZE, (off_t)(uintptr_t)alias) !=
	    (ssize_t)HUGE_SIZE) {
		err = write_error();
		fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
			  (off_t)HUGE_SIZE);
	}
	real_munmap(alias, HUGE_SIZE);
	return err;
}

/*
 * Give the filled page at @a its protection @prot and map it at once, as
 * the kernel's install sets the PTE (a shared page is in the cache only).
 */
static long publish(uintptr_t a, int prot, bool map)
{
	if (real_mprotect((void *)a, HUGE_SIZE, prot))
		return -errno;
	if (map && (prot & PROT_READ))
		real_madvise((void *)a, HUGE_SIZE, MADV_POPULATE_READ);
	return 0;
}

/*
 * One huge page of huge_fill().  The kernel's order (mfill_atomic_hugetlb,
 * hugetlb_mfill_atomic_pte): a page mapped already is EEXIST (a marker is
 * not, except for POISON), then the page cache: COPY into a shared page
 * it holds is EEXIST; CONTINUE of a page it lacks is EFAULT, even over a
 * page mapped (a private copy).
 */
static long fill_one(enum huge_op op, uintptr_t a, uintptr_t src,
		     size_t src_ok, bool wp, bool wait)
{
	pageword_t *pw = pt_word(a);
	bool hidden;
	uint32_t w;
	long r;
	int prot;

	/* CONTINUE looks in the cache first: a page it lacks is EFAULT. */
	if (!page_claim(a, op == HUGE_POISON ? FILL_POISON : FILL_COPY, wait))
		return op == HUGE_CONTINUE && !huge_cached(a, atomic_load(pw)) ?
		       -EFAULT : -EEXIST;
	w = atomic_load(pw) & ~PS_BUSY;
	prot = wp ? prot_wp(PS_PROT(w)) : PS_PROT(w);
	switch (op) {
	case HUGE_POISON:
		r = (w & PS_MISSING) ? 0 :
		    real_mprotect((void *)a, HUGE_SIZE, PROT_NONE) ? -errno : 0;
		w |= PS_MISSING | PS_POISON;
		break;
	case HUGE_CONTINUE:
		r = huge_cached(a, w) ? publish(a, prot, true) : -EFAULT;
		break;
	default:
		/* A page of a registration without a marker is visible: hide it. */
		hidden = !(w & PS_MISSING);
		if (hidden && real_mprotect((void *)a, HUGE_SIZE, PROT_NONE)) {
			r = -errno;
			break;
		}
		if (w & PS_SHARED)
			r = copy_shared(a, src, src_ok);
		else
			r = copy_private(a, src, src_ok);
		if (!r)
			r = publish(a, prot, w & PS_SHARED);
		else if (hidden)
			real_mprotect((void *)a, HUGE_SIZE, page_prot(w));
		break;
	}
	if (r) {
		atomic_fetch_and(pw, ~PS_BUSY);
		return r;
	}
	if (op != HUGE_POISON)
		w = (w & ~(PS_MISSING | PS_POISON | PS_WP)) | (wp ? PS_WP : 0);
	huge_set_words(a, w);
	return (long)HUGE_SIZE;
}

/*
 * UFFDIO_COPY (@src, of which @src_ok bytes are readable), CONTINUE and
 * POISON on [dst, dst + len) of one registered hugetlb VMA: whole huge
 * pages only (EINVAL), one at a time.  Returns bytes done or -errno.
 */
long huge_fill(enum huge_op op, uintptr_t dst, uintptr_t src, size_t src_ok,
	       size_t len, bool wp)
{
	size_t off;
	long r = 0;

	if ((dst | len) & ~HUGE_MASK)
		return -EINVAL;
	if (op == HUGE_COPY)
		src_prefault(src, src_ok, len);
	for (off = 0; off < len; off += HUGE_SIZE) {
		r = fill_one(op, dst + off, src + off, src_ok > off ? src_ok - off : 0,
			     wp, off == 0);
		if (r < 0)
			break;
	}
	return off ? (long)off : r;
}

/*
 * MADV_DONTNEED / MADV_REMOVE over the registered huge pages [s, e), all
 * held BUSY by the caller, which zaps them (and then drops BUSY) while
 * they keep the state set here.  The kernel refuses a start inside a huge
 * page and rounds the end down; MADV_FREE is for anonymous memory only.
 * A write-protected page leaves a marker behind unless its hole is
 * punched (__unmap_hugepage_range keeps uffd-wp without
 * ZAP_FLAG_DROP_MARKER); a page of a MISSING or MINOR registration is
 * marked again (a cached page is then mapped at its next access, or
 * reported MINOR).
 */
void huge_zap(uintptr_t s, uintptr_t e, int advice)
{
	uintptr_t a;

	if (advice == MADV_FREE || (s & ~HUGE_MASK))
		return;
	for (a = s; a + HUGE_SIZE <= e; a += HUGE_SIZE) {
		uint32_t w = atomic_load(pt_word(a)) & ~PS_BUSY;
		uint32_t nw = w & ~(PS_MISSING | PS_POISON | PS_WP);

		if ((w & PS_WP) && advice != MADV_REMOVE)
			nw |= PS_WP | PS_MISSING;
		else if (PS_MODE(w) & (UFFDIO_REGISTER_MODE_MISSING |
				       UFFDIO_REGISTER_MODE_MINOR))
			nw |= PS_MISSING;
		if (page_prot(nw) != page_prot(w))
			real_mprotect((void *)a, HUGE_SIZE, page_prot(nw));
		huge_set_words(a, nw | PS_BUSY);
	}
}

/* Any registered hugetlb page in [s, e)? */
bool huge_any(uintptr_t s, uintptr_t e)
{
	uintptr_t a;

	for (a = s; a < e; a += EMU_PAGE_SIZE) {
		pageword_t *pw = pt_word(a);

		if (!pw)
			a = pt_leaf_end(a) - EMU_PAGE_SIZE;
		else if ((atomic_load(pw) & (PS_HUGE | PS_CTX_MASK)) > PS_HUGE)
			return true;
	}
	return false;
}

/* What mprotect(@prot) must leave at @a: a huge page keeps its marker. */
static int target_prot(uintptr_t a, int prot)
{
	pageword_t *pw = pt_word(a);
	uint32_t w = pw ? atomic_load(pw) : 0;

	if (!PS_CTX(w) || !(w & PS_HUGE))
		return prot;
	w = (w & ~PS_PROT_MASK) |
	    (uint32_t)(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) << PS_PROT_SHIFT;
	return page_prot(w);
}

/*
 * mprotect() of [s, e), which holds registered huge pages (all BUSY): a
 * run of equal target protection at a time, in address order, so that a
 * missing or write-protected huge page never has the new protection (an
 * access would populate it without a message).  The first failure ends it
 * with -1 and errno, the runs before it changed, as the kernel's VMA walk
 * leaves them.
 */
int huge_mprotect(uintptr_t s, uintptr_t e, int prot)
{
	uintptr_t a = s, b;

	while (a < e) {
		int p = target_prot(a, prot);

		for (b = a + EMU_PAGE_SIZE; b < e && target_prot(b, prot) == p;
		     b += EMU_PAGE_SIZE)
			;
		if (real_mprotect((void *)a, b - a, p))
			return -1;
		a = b;
	}
	return 0;
}
