/* SPDX-License-Identifier: MIT */
/*
 * Shared memory (shmem: memfd, MAP_SHARED|MAP_ANONYMOUS, tmpfs files,
 * System V segments) for the emulated engine (spec 4.2, 7.4-7.6, 9.1).
 *
 * With shmem the page cache, not the page table, says whether a page
 * exists: a page written through another mapping is simply mapped on the
 * next access, without a message.  So every page of a registration that
 * is not mapped in our page table gets a guard marker, and the fault path
 * asks mincore() -- which reports the page cache for file mappings --
 * what the kernel would do:
 *
 *	in the page cache, MINOR mode	-> MINOR message (flags 0x4 / 0x5)
 *	in the page cache, otherwise	-> marker removed, access retried
 *	not cached, MISSING mode	-> MISSING message
 *	not cached, otherwise		-> marker removed (ordinary fault)
 *
 * Installs go into the page cache through the backing file (opened from
 * /proc/self/map_files) while our mapping still has the marker, then the
 * marker goes: UFFDIO_COPY and UFFDIO_ZEROPAGE are pwrite()s,
 * UFFDIO_CONTINUE only removes the marker.  Other mappings of the same
 * file see the page as soon as it is in the cache; unlike the kernel's
 * copy (a new page inserted whole), a reader through another mapping can
 * see a page being written.  A private mapping of a shmem file gets a
 * private copy, as anonymous memory does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

#define MAX_FSPANS 256

/*
 * Where a registered file-backed range's pages live in its file.  Written
 * under emu_lock, read lock-free (SIGBUS handlers may resolve faults):
 * entries are filled, then published with `live`.
 */
struct fspan {
	_Atomic int live;
	uintptr_t start, end;	/* the VMA part registered */
	off_t off;		/* file offset of start */
	int fd;
	bool shared;
};

static struct fspan fspans[MAX_FSPANS];

static const struct fspan *fspan_find(uintptr_t a)
{
	int i;

	for (i = 0; i < MAX_FSPANS; i++) {
		struct fspan *f = &fspans[i];

		if (atomic_load_explicit(&f->live, memory_order_acquire) &&
		    a >= f->start && a < f->end)
			return f;
	}
	return NULL;
}

/*
 * Remember [s, e) of a file VMA starting at @vstart with file offset
 * @voff.  Caller holds emu_lock.  0, or -errno.
 */
int fspan_add(uintptr_t vstart, uintptr_t vend, off_t voff, uintptr_t s,
	      uintptr_t e, bool shared)
{
	char path[96];
	int i, fd;

	for (i = 0; i < MAX_FSPANS; i++) {
		struct fspan *f = &fspans[i];

		if (atomic_load(&f->live) && f->start <= s && f->end >= e &&
		    f->off + (off_t)(s - f->start) == voff + (off_t)(s - vstart))
			return 0;		/* already known */
	}
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)vstart, (unsigned long)vend);
	fd = real_open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fd = real_open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (i = 0; i < MAX_FSPANS; i++) {
		struct fspan *f = &fspans[i];

		if (atomic_load(&f->live))
			continue;
		if (f->fd > 0)
			real_close(f->fd);
		f->start = s;
		f->end = e;
		f->off = voff + (off_t)(s - vstart);
		f->fd = fd;
		f->shared = shared;
		atomic_store_explicit(&f->live, 1, memory_order_release);
		return 0;
	}
	real_close(fd);
	return -ENOMEM;
}

/* Forget spans inside [s, e) (unregister, unmap).  emu_lock held. */
void fspan_drop(uintptr_t s, uintptr_t e)
{
	int i;

	for (i = 0; i < MAX_FSPANS; i++) {
		struct fspan *f = &fspans[i];

		if (atomic_load(&f->live) && f->start >= s && f->end <= e)
			atomic_store(&f->live, 0);	/* fd closed on reuse */
	}
}

/*
 * What kind of memory a VMA is, for registration: PS_SHARED / PS_FILE
 * bits, or -EINVAL for memory userfaultfd cannot register (regular files,
 * special mappings), -EPERM for a shared mapping without VM_MAYWRITE.
 */
int vma_kind(const struct vma *v, uint32_t *kind)
{
	char path[96];
	struct statfs sf;
	int fd;

	*kind = 0;
	if (v->special)
		return -EINVAL;
	if (v->anon && !v->shared)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)v->start, (unsigned long)v->end);
	fd = real_open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -EINVAL;
	if (fstatfs(fd, &sf)) {
		real_close(fd);
		return -EINVAL;
	}
	real_close(fd);
	if (sf.f_type == HUGETLBFS_MAGIC) {
		/* 2 MiB pages only (docs/emulated-engine.md). */
		if (sf.f_bsize != (long)HUGE_SIZE)
			return -EINVAL;
		*kind = PS_HUGE;
	} else if (sf.f_type != TMPFS_MAGIC) {
		return -EINVAL;
	}
	*kind |= PS_FILE | (v->shared ? PS_SHARED : 0);
	if (v->shared && !v->maywrite)
		return -EPERM;
	return 0;
}

/* Is the page at @a in its file's page cache? */
bool shm_cached(uintptr_t a)
{
	unsigned char v = 0;

	return mincore((void *)(a & EMU_PAGE_MASK), EMU_PAGE_SIZE, &v) == 0 && (v & 1);
}

/*
 * The file behind registered address @a: its descriptor (-1: none known)
 * and the offset of @a in it.
 */
int fspan_file(uintptr_t a, off_t *off)
{
	const struct fspan *f = fspan_find(a);

	if (!f)
		return -1;
	*off = f->off + (off_t)(a - f->start);
	return f->fd;
}

/* The file size, or -1. */
off_t file_size(int fd)
{
	struct stat st;

	return real_fstat(fd, &st) ? -1 : st.st_size;
}

/*
 * UFFDIO_COPY / ZEROPAGE into shared shmem: into the page cache through
 * the file, for pages [dst, dst + len) claimed and still behind markers.
 * @src NULL: zeros.  Returns bytes done (whole pages) or -errno; pages
 * beyond the end of the file are EFAULT, as with the kernel.
 */
long shm_install(uintptr_t dst, uintptr_t src, size_t src_ok, size_t len,
		 bool zero)
{
	const struct fspan *f = fspan_find(dst);
	off_t off, size;
	size_t k;
	ssize_t n;

	if (!f || dst + len > f->end)
		return -EFAULT;
	off = f->off + (off_t)(dst - f->start);
	size = file_size(f->fd);
	if (size < 0 || off >= size)
		return -EFAULT;
	if ((off_t)len > size - off)
		len = (size_t)(size - off) & EMU_PAGE_MASK;
	if (!len)
		return -EFAULT;
	if (zero) {
		/*
		 * Zeros written, not fallocate()d: a fallocated shmem page is
		 * not up to date, and the page cache (mincore) does not count
		 * it as present until written.
		 */
		static const char zero[EMU_PAGE_SIZE];
		size_t done;

		for (done = 0; done < len; done += EMU_PAGE_SIZE)
			if (real_pwrite(f->fd, zero, EMU_PAGE_SIZE, off + (off_t)done) !=
			    (ssize_t)EMU_PAGE_SIZE)
				break;
		return done ? (long)done : -EFAULT;
	}
	/* Whole pages only: a partly written page must not enter the cache. */
	k = (len < src_ok ? len : src_ok) & EMU_PAGE_MASK;
	if (!k)
		return -EFAULT;
	n = real_pwrite(f->fd, (void *)src, k, off);
	if (n < 0 || (n & ~(ssize_t)EMU_PAGE_MASK)) {
		/*
		 * The source faulted part-way through a page, or at its first
		 * byte: the write has put that page in the cache anyway, in
		 * part or zeroed.  Take it out again (it was missing), as the
		 * kernel never adds a page it could not fill (K23, K25).
		 */
		int e = errno;

		fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  off + (n < 0 ? 0 : (n & (ssize_t)EMU_PAGE_MASK)), EMU_PAGE_SIZE);
		if (n < 0)
			return e == EFAULT ? -EFAULT : -e;
	}
	n &= (ssize_t)EMU_PAGE_MASK;
	return n ? (long)n : -EFAULT;
}
