/* SPDX-License-Identifier: MIT */
/*
 * /proc/self/pagemap as the kernel would show it for emulated
 * registrations.
 *
 * The kernel writes the uffd-wp state into the page table: pagemap bit 57
 * (PM_UFFD_WP) is set on a write-protected PTE and on a write-protect
 * marker (a never-populated page protected with WP_UNPOPULATED, or a
 * zapped protected shmem page), which reads as a swap entry.  The emulated
 * engine protects with mprotect() and marks missing pages with guard
 * markers, so the kernel's own answer lacks bit 57 and shows bit 58
 * (PM_GUARD) where the kernel would show nothing or another marker.  Reads
 * of pagemap descriptors naming this process therefore get each entry of
 * an emulated page rewritten from its page-state word (pagemap_entry_fix);
 * every other entry is the kernel's, untouched.
 *
 * Which descriptors: open()/openat() of a path ending in "pagemap" is
 * noted by the library's open interposer (src/interpose/open.c); the
 * descriptor is ours when /proc/self/fd/N resolves to /proc/PID/pagemap or
 * /proc/PID/task/TID/pagemap with PID this process or one of its threads.
 * A read checks the descriptor still names that file (device and inode),
 * and that this is the process that opened it: after fork() a descriptor
 * inherited from the parent shows the parent's memory, which the child's
 * page-state table does not describe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

#define PM_FRAME_MASK	((1ULL << 55) - 1)
#define PM_SOFT_DIRTY	UFFD_PM_SOFT_DIRTY
#define PM_SWP_TYPE	0x1fULL		/* swap type bits of a non-present frame */
#define PM_SWP_SHIFT	5		/* swap offset: the marker kind */
#define MARKER_UFFD_WP	1ULL		/* the kernel's PTE marker kinds */
#define MARKER_POISON	2ULL

/* ---- the entries ------------------------------------------------------------ */

/*
 * A marker's frame field (swap type | kind << 5), shown only to
 * CAP_SYS_ADMIN; @e is our guard marker's entry, whose type is the
 * kernel's marker type.
 */
static _Atomic uint64_t marker_type;	/* the swap type of markers, once seen */

static uint64_t marker_frame(uint64_t e, uint64_t kind)
{
	if (!(e & PM_FRAME_MASK))
		return 0;
	atomic_store_explicit(&marker_type, e & PM_SWP_TYPE, memory_order_relaxed);
	return (e & PM_SWP_TYPE) | kind << PM_SWP_SHIFT;
}

/*
 * The entry the kernel would show for a page whose page-state word is @w
 * and whose entry under emulation is @e (measured natively on 6.18:
 * docs/emulated-engine.md, "pagemap").
 */
uint64_t pagemap_entry_fix(uint64_t e, uint32_t w)
{
	uint64_t keep = e & (PM_SWAP | PM_SOFT_DIRTY);

	if (!PS_CTX(w))
		return e;
	/*
	 * A huge page's marker is PROT_NONE on an empty entry; the kernel's
	 * hugetlb uffd-wp marker reads as bit 57 alone.
	 */
	if ((w & PS_HUGE) && (w & (PS_MISSING | PS_WP)) == (PS_MISSING | PS_WP) &&
	    !(e & (PM_PRESENT | PM_SWAP)))
		return (e & PM_SOFT_DIRTY) | PM_UFFD_WP;
	if ((e & PM_GUARD) && (w & PS_MISSING)) {
		/* Our marker: a poison or uffd-wp marker, or nothing. */
		if (w & PS_POISON)
			return keep | marker_frame(e, MARKER_POISON);
		if (w & PS_WP)
			return keep | PM_UFFD_WP | marker_frame(e, MARKER_UFFD_WP);
		return e & PM_SOFT_DIRTY;
	}
	if (!(w & PS_WP) || (w & PS_MISSING))
		return e;
	if (e & (PM_PRESENT | PM_SWAP))
		return e | PM_UFFD_WP;
	/*
	 * Zapped behind our back (reclaim, MADV_PAGEOUT): in a file-backed
	 * VMA the kernel leaves a uffd-wp marker, and so does our protection
	 * (a write still faults).
	 */
	if (w & PS_FILE)
		return (e & PM_SOFT_DIRTY) | PM_SWAP | PM_UFFD_WP |
		       marker_frame(atomic_load_explicit(&marker_type,
						       memory_order_relaxed),
				  MARKER_UFFD_WP);
	return e;
}

/* Rewrite @n entries starting with the one of page @first. */
static void fix_entries(uint64_t first, unsigned char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uintptr_t a = (uintptr_t)((first + i) << EMU_PAGE_SHIFT);
		pageword_t *pw = pt_word(a);
		uint64_t e;
		uint32_t w;

		if (!pw) {
			/* No table here: skip to the next leaf. */
			uintptr_t next = pt_leaf_end(a);

			if (next <= a)
				break;
			i += (next - a) / EMU_PAGE_SIZE - 1;
			continue;
		}
		w = atomic_load_explicit(pw, memory_order_acquire);
		if (!PS_CTX(w))
			continue;
		memcpy(&e, buf + i * sizeof(e), sizeof(e));
		e = pagemap_entry_fix(e, w);
		memcpy(buf + i * sizeof(e), &e, sizeof(e));
	}
}

/*
 * @n bytes read at file offset @off into @buf.  The kernel only answers
 * reads of whole, aligned entries (EINVAL otherwise); anything else is
 * left alone.
 */
static void fix_bytes(off_t off, void *buf, size_t n)
{
	if (off < 0 || (off % 8) || (n % 8) || !n)
		return;
	fix_entries((uint64_t)off / 8, buf, n / 8);
}

/* ---- which descriptors ------------------------------------------------------ */

#define PM_MAX_FDS 64

struct pm_fd {
	_Atomic int fd1;	/* fd + 1; 0: free */
	pid_t pid;		/* the process that opened it */
	dev_t dev;
	ino_t ino;
};

static struct pm_fd pm_fds[PM_MAX_FDS];
_Atomic uint64_t pagemap_fd_bits;

bool pagemap_path(const char *path)
{
	size_t n;

	if (!path)
		return false;
	n = strlen(path);
	return n >= 7 && !memcmp(path + n - 7, "pagemap", 7) &&
	       (n == 7 || path[n - 8] == '/');
}

/* Is @n (a number in a /proc path) this process or one of its threads? */
static bool our_task(long n)
{
	char path[48];
	struct stat st;

	if (n == (long)sys_getpid())
		return true;
	snprintf(path, sizeof(path), "/proc/self/task/%ld", n);
	return REAL(stat)(path, &st) == 0;
}

/* Does @fd name /proc/PID/pagemap (or .../task/TID/pagemap) of this process? */
static bool names_our_pagemap(int fd)
{
	char link[40], target[128], *p, *end;
	long pid;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = sys_call(SYS_readlink, (long)link, (long)target, sizeof(target) - 1,
		     0, 0, 0);
	if (n <= 0)
		return false;
	target[n] = '\0';
	if (strncmp(target, "/proc/", 6))
		return false;
	pid = strtol(target + 6, &end, 10);
	if (end == target + 6)
		return false;
	p = end;
	if (!strncmp(p, "/task/", 6)) {
		strtol(p + 6, &end, 10);
		if (end == p + 6)
			return false;
		p = end;
	}
	return !strcmp(p, "/pagemap") && our_task(pid);
}

static struct pm_fd *slot_of(int fd)
{
	int i;

	for (i = 0; i < PM_MAX_FDS; i++)
		if (atomic_load_explicit(&pm_fds[i].fd1, memory_order_acquire) == fd + 1)
			return &pm_fds[i];
	return NULL;
}

static void note(int fd, const struct stat *st)
{
	struct pm_fd *f = slot_of(fd);
	int i, zero;

	if (!f) {
		for (i = 0; i < PM_MAX_FDS; i++) {
			zero = 0;
			if (atomic_compare_exchange_strong(&pm_fds[i].fd1, &zero, -1)) {
				f = &pm_fds[i];
				break;
			}
		}
		if (!f)
			return;		/* full: this one shows the kernel's view */
	}
	f->pid = sys_getpid();
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	atomic_store_explicit(&f->fd1, fd + 1, memory_order_release);
	atomic_fetch_or_explicit(&pagemap_fd_bits, 1ULL << (fd & 63), memory_order_relaxed);
}

void pagemap_fd_opened(int fd)
{
	struct stat st;

	if (fd >= 0 && names_our_pagemap(fd) && real_fstat(fd, &st) == 0)
		note(fd, &st);
}

void pagemap_fd_closed(int fd)
{
	struct pm_fd *f = slot_of(fd);

	if (f)
		atomic_store_explicit(&f->fd1, 0, memory_order_release);
}

void pagemap_fd_dup(int oldfd, int newfd)
{
	struct pm_fd *f;
	struct stat st;

	if (oldfd == newfd)
		return;
	pagemap_fd_closed(newfd);
	f = slot_of(oldfd);
	if (f && f->pid == sys_getpid() && real_fstat(newfd, &st) == 0)
		note(newfd, &st);
}

/* Is @fd a noted pagemap descriptor of this process, still naming it? */
bool pagemap_fd_ours(int fd)
{
	struct pm_fd *f = slot_of(fd);
	struct stat st;

	return f && f->pid == sys_getpid() && real_fstat(fd, &st) == 0 &&
	       st.st_dev == f->dev && st.st_ino == f->ino;
}

/*
 * The same, for a descriptor PAGEMAP_SCAN is issued on: noted now if it
 * was opened where the library did not see it.
 */
bool pagemap_fd_check(int fd)
{
	struct stat st;

	if (pagemap_fd_ours(fd))
		return true;
	if (!names_our_pagemap(fd) || real_fstat(fd, &st))
		return false;
	note(fd, &st);
	return true;
}

/* ---- the reads -------------------------------------------------------------- */

off_t pagemap_pos(int fd)
{
	return (off_t)sys_call(SYS_lseek, fd, 0, SEEK_CUR, 0, 0, 0);
}

void pagemap_fix_read(off_t off, void *buf, ssize_t n)
{
	if (n > 0 && atomic_load_explicit(&pt_any, memory_order_relaxed))
		fix_bytes(off, buf, (size_t)n);
}

void pagemap_fix_readv(off_t off, const struct iovec *iov, int cnt, ssize_t n)
{
	size_t left = n > 0 ? (size_t)n : 0;
	int i;

	if (!atomic_load_explicit(&pt_any, memory_order_relaxed))
		return;
	for (i = 0; i < cnt && left; i++) {
		size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;

		fix_bytes(off, iov[i].iov_base, k);
		off += (off_t)k;
		left -= k;
	}
}
