/* SPDX-License-Identifier: MIT */
/*
 * An emulated uffd seen as a file (called by src/interpose/stat.c and
 * src/interpose/proc.c), as the kernel shows its own (fs/userfaultfd.c,
 * facts; ../shared/uffd-semantics.md 2.1):
 *
 *   - an inode of its own on the anonymous-inode file system, mode 0600
 *     without a file type, one link, size 0, owned by its creator, its
 *     times those of its creation;
 *   - /proc/self/fd/N reads "anon_inode:[userfaultfd]" and cannot be
 *     opened (ENXIO);
 *   - /proc/self/fdinfo/N: the generic lines (pos, flags, mnt_id, ino),
 *     then "pending:" (faults unread), "total:" (unread or read and not
 *     resolved; events are not counted) and "API:" (0xaa, the context's
 *     features with bit 31 once initialized, the API and range ioctls).
 *
 * The device, block size and mount of an anonymous inode are an eventfd's
 * (an anonymous inode too), asked once; the inode number is the pipe's
 * (from the counter the kernel's anonymous inodes draw from too); owner
 * and group the pipe's (its creator's); the times those of the queue's
 * memfd, which stay those of the uffd's creation (ctx->born).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "emu/emu.h"
#include "base/real.h"

/* An eventfd's fstat() and mount id: what every anonymous inode shares. */
static struct stat anon_tmpl;
static int anon_mnt_id = -1;
static pthread_once_t anon_once = PTHREAD_ONCE_INIT;

static void anon_learn(void)
{
	struct statx x;
	int fd = eventfd(0, EFD_CLOEXEC);

	if (fd < 0)
		return;
	if (real_fstat(fd, &anon_tmpl))
		memset(&anon_tmpl, 0, sizeof(anon_tmpl));
	if (!REAL(statx)(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &x) &&
	    (x.stx_mask & STATX_MNT_ID))
		anon_mnt_id = (int)x.stx_mnt_id;
	real_close(fd);
}

/* The context @idx names and its pipe's fstat(); NULL (EBADF) if gone. */
static struct emu_ctx *view_ctx(uint32_t idx, int fd, struct stat *pipe_st)
{
	struct emu_ctx *ctx = ctx_acquire(idx);

	if (!ctx || real_fstat(fd, pipe_st)) {
		if (ctx)
			ctx_put(ctx);
		errno = EBADF;
		return NULL;
	}
	pthread_once(&anon_once, anon_learn);
	return ctx;
}

int emu_fd_stat(uint32_t idx, int fd, struct stat *st)
{
	struct stat p;
	struct emu_ctx *ctx = view_ctx(idx, fd, &p);

	if (!ctx)
		return -1;
	*st = anon_tmpl;
	st->st_mode = S_IRUSR | S_IWUSR;
	st->st_nlink = 1;
	st->st_ino = p.st_ino;
	st->st_uid = p.st_uid;
	st->st_gid = p.st_gid;
	st->st_rdev = 0;
	st->st_size = 0;
	st->st_blocks = 0;
	st->st_atim = st->st_mtim = st->st_ctim = ctx->born;
	ctx_put(ctx);
	return 0;
}

int emu_fd_statx(uint32_t idx, int fd, unsigned int mask, struct statx *stx)
{
	struct statx x;
	struct stat p;
	struct emu_ctx *ctx = view_ctx(idx, fd, &p);
	int efd, r;

	if (!ctx)
		return -1;
	efd = eventfd(0, EFD_CLOEXEC);
	r = efd < 0 ? -1 : REAL(statx)(efd, "", AT_EMPTY_PATH, mask, &x);
	if (efd >= 0)
		real_close(efd);
	if (r) {
		ctx_put(ctx);
		return -1;
	}
	x.stx_mode = S_IRUSR | S_IWUSR;
	x.stx_nlink = 1;
	x.stx_ino = p.st_ino;
	x.stx_uid = p.st_uid;
	x.stx_gid = p.st_gid;
	x.stx_size = 0;
	x.stx_blocks = 0;
	x.stx_atime.tv_sec = x.stx_mtime.tv_sec = x.stx_ctime.tv_sec = ctx->born.tv_sec;
	x.stx_atime.tv_nsec = x.stx_mtime.tv_nsec = x.stx_ctime.tv_nsec =
		(uint32_t)ctx->born.tv_nsec;
	ctx_put(ctx);
	*stx = x;
	return 0;
}

/* Faults unread, and read but not resolved (fdinfo's pending, total). */
static void fault_counts(const struct emu_shared *sh, unsigned long *pending,
			 unsigned long *total)
{
	unsigned int i, hw = atomic_load(&sh->hiwater);

	*pending = *total = 0;
	for (i = 0; i < hw && i < EMU_SLOTS; i++) {
		const struct emu_slot *s = &sh->slots[i];
		uint32_t st = atomic_load(&s->state) & SLOT_STATE_MASK;

		if (atomic_load(&s->kind) != SLOT_FAULT)
			continue;
		if (st == SLOT_PENDING) {
			(*pending)++;
			(*total)++;
		} else if (st == SLOT_READ) {
			(*total)++;
		}
	}
}

/*
 * /proc/self/fdinfo/N of an emulated uffd: a memfd holding the kernel's
 * text as of now, positioned at its start; -1 with errno.
 */
int emu_fd_fdinfo(uint32_t idx, int fd)
{
	unsigned long pending, total;
	char text[256];
	struct stat p;
	struct emu_ctx *ctx = view_ctx(idx, fd, &p);
	int fl, fdfl, n, mfd;

	if (!ctx)
		return -1;
	fl = REAL(fcntl)(fd, F_GETFL);
	fdfl = REAL(fcntl)(fd, F_GETFD);
	if (fl < 0 || fdfl < 0) {
		ctx_put(ctx);
		errno = EBADF;
		return -1;
	}
	if (fdfl & FD_CLOEXEC)
		fl |= O_CLOEXEC;
	fault_counts(ctx->sh, &pending, &total);
	n = snprintf(text, sizeof(text),
		     "pos:\t0\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n"
		     "pending:\t%lu\ntotal:\t%lu\nAPI:\t%llx:%x:%llx\n",
		     (unsigned int)fl, anon_mnt_id, (unsigned long)p.st_ino, pending,
		     total, (unsigned long long)UFFD_API, (unsigned int)ctx_features(ctx),
		     (unsigned long long)(UFFD_API_IOCTLS_618 | UFFD_API_RANGE_IOCTLS_618));
	ctx_put(ctx);
	mfd = memfd_create("fdinfo", MFD_CLOEXEC);
	if (mfd < 0)
		return -1;
	if (real_pwrite(mfd, text, (size_t)n, 0) != n) {
		real_close(mfd);
		errno = EIO;
		return -1;
	}
	return mfd;
}

/* Decimal digits to the end of @s (or to @stop): the value, or -1. */
static long number(const char *s, const char **end)
{
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > 1L << 30)
			return -1;
		s++;
	}
	*end = s;
	return v;
}

/*
 * Is @path this process's /proc view of a descriptor that is an emulated
 * uffd -- /proc/self/fd/N, /proc/thread-self/fd/N, /proc/PID/fd/N,
 * /proc/{self,PID}/task/TID/fd/N, /dev/fd/N, or the same with "fdinfo"
 * (then *info is set)?  N, or -1.
 */
int emu_proc_fd(const char *path, bool *info)
{
	const char *s = path, *e = NULL;
	long n;

	*info = false;
	if (!path || path[0] != '/')
		return -1;
	if (!strncmp(s, "/dev/fd/", 8)) {
		s += 8;
	} else if (!strncmp(s, "/proc/", 6)) {
		s += 6;
		if (!strncmp(s, "self/", 5)) {
			s += 5;
		} else if (!strncmp(s, "thread-self/", 12)) {
			s += 12;
		} else {
			n = number(s, &e);
			if (n < 0 || n != (long)emu_pid() || *e != '/')
				return -1;
			s = e + 1;
		}
		if (!strncmp(s, "task/", 5)) {
			char task[64];

			n = number(s + 5, &e);
			if (n < 0 || *e != '/')
				return -1;
			snprintf(task, sizeof(task), "/proc/self/task/%ld", n);
			if (access(task, F_OK))
				return -1;	/* not a thread of ours */
			s = e + 1;
		}
		if (!strncmp(s, "fdinfo/", 7)) {
			*info = true;
			s += 7;
		} else if (!strncmp(s, "fd/", 3)) {
			s += 3;
		} else {
			return -1;
		}
	} else {
		return -1;
	}
	n = number(s, &e);
	if (n < 0 || *e || !fdtab_get((int)n))
		return -1;
	return (int)n;
}
