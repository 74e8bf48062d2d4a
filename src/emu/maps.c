/* SPDX-License-Identifier: MIT */
/*
 * What the kernel knows about our address space: VMAs from /proc/self/maps,
 * page presence from /proc/self/pagemap, and guard markers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/self.h"
#include "base/sys.h"

int guard_install(uintptr_t start, size_t len)
{
	return real_madvise((void *)start, len, MADV_GUARD_INSTALL) ? -errno : 0;
}

int guard_remove(uintptr_t start, size_t len)
{
	return real_madvise((void *)start, len, MADV_GUARD_REMOVE) ? -errno : 0;
}

static bool is_special(const char *name)
{
	static const char *const special[] = {
		"[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]", "[uprobes]",
	};
	size_t i;

	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (!strcmp(name, special[i]))
			return true;
	return false;
}

/* The digits in @base at *@p (at least one); *@p moves past them. */
static bool field(char **p, int base, unsigned long long *out)
{
	unsigned long long n = 0;
	char *s = *p;
	int d;

	for (;; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			break;
		n = n * (unsigned)base + (unsigned)d;
	}
	if (s == *p)
		return false;
	*out = n;
	*p = s;
	return true;
}

static bool skip(char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

/* "start-end perms offset major:minor inode   name" (no newline). */
static bool parse_line(char *line, struct vma *v)
{
	unsigned long long s, e, off, ino, dev;	/* dev: major, then minor */
	char *p = line, *perms, *name;

	if (!field(&p, 16, &s) || !skip(&p, '-') || !field(&p, 16, &e) ||
	    !skip(&p, ' '))
		return false;
	perms = p;
	if (strnlen(perms, 5) < 5 || perms[4] != ' ')
		return false;
	p += 5;
	if (!field(&p, 16, &off) || !skip(&p, ' ') || !field(&p, 16, &dev) ||
	    !skip(&p, ':') || !field(&p, 16, &dev) || !skip(&p, ' ') ||
	    !field(&p, 10, &ino))
		return false;
	while (*p == ' ')
		p++;
	name = p;
	memset(v, 0, sizeof(*v));
	v->start = (uintptr_t)s;
	v->end = (uintptr_t)e;
	v->offset = (off_t)off;
	v->prot = (perms[0] == 'r' ? PROT_READ : 0) |
		  (perms[1] == 'w' ? PROT_WRITE : 0) |
		  (perms[2] == 'x' ? PROT_EXEC : 0);
	v->shared = perms[3] == 's';
	v->special = is_special(name);
	v->anon = !v->shared && ino == 0 && !v->special &&
		  (!*name || !strcmp(name, "[heap]") || !strncmp(name, "[stack", 6) ||
		   !strncmp(name, "[anon:", 6));
	snprintf(v->name, sizeof(v->name), "%s", name);
	return true;
}

/*
 * The VMAs intersecting [start, end), in address order, from
 * /proc/self/maps.  *out points to per-thread scratch memory, valid until
 * this thread's next call (do not free it).  Allocates nothing from the
 * heap: a REGISTER must not map anything into the range it inspects.
 */
static __thread struct vma *scratch;
static __thread int scratch_cap;

static int scratch_push(const struct vma *v, int n)
{
	if (n == scratch_cap) {
		int cap = scratch_cap ? 2 * scratch_cap : 64;
		struct vma *nv = arena_alloc((size_t)cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		if (n)
			memcpy(nv, scratch, (size_t)n * sizeof(*nv));
		scratch = nv;		/* the old one stays in the arena */
		scratch_cap = cap;
	}
	scratch[n] = *v;
	return 0;
}

static int maps_read_once(uintptr_t start, uintptr_t end, struct vma **out, int *n)
{
	char buf[16384];
	size_t have = 0;
	int fd, cnt = 0, err = 0;
	bool done = false;

	*out = NULL;
	*n = 0;
	fd = real_open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (!done) {
		/*
		 * The kernel formats as many lines as the read asks for: small
		 * reads stop it soon after the range (the buffer still holds a
		 * line of PATH_MAX).
		 */
		size_t want = sizeof(buf) - 1 - have;
		ssize_t r = real_read(fd, buf + have, want < 4096 ? want : 4096);
		char *line, *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		line = buf;
		while (!done && (nl = strchr(line, '\n'))) {
			struct vma v;

			*nl = '\0';
			if (parse_line(line, &v)) {
				if (v.start >= end)
					done = true;
				else if (v.end > start) {
					err = scratch_push(&v, cnt);
					if (err)
						done = true;
					else
						cnt++;
				}
			}
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0;	/* an absurdly long line: skip it */
	}
	real_close(fd);
	if (err)
		return err;
	*out = scratch;
	*n = cnt;
	return 0;
}

/* Do the VMAs @v (address order) leave part of [start, end) uncovered? */
static bool maps_gap(const struct vma *v, int n, uintptr_t start, uintptr_t end)
{
	uintptr_t at = start;
	int i;

	for (i = 0; i < n && at < end; i++) {
		if (v[i].start > at)
			return true;
		if (v[i].end > at)
			at = v[i].end;
	}
	return at < end;
}

/*
 * A read of /proc/self/maps made while another thread splits or merges a
 * VMA can leave that VMA out: since 6.17 the kernel walks the maps under
 * per-VMA locks, and until its fix (upstream ee1afc5539b6, November 2026)
 * a split or merge during the walk can make it skip an address range that
 * was mapped all along.  The emulated engine's own installs split and
 * re-merge VMAs all the time, so a REGISTER or UNREGISTER next to a busy
 * region saw a hole that was not there (EINVAL: no VMA in the range).
 * A real hole is stable: a range with a gap is read again, a few times,
 * and the gap believed only when every read shows it.  That costs eight
 * reads where the caller asked about a range that really has a hole: the
 * error paths (REGISTER's ENOMEM, MOVE's ENOENT), an UNREGISTER or a
 * WRITEPROTECT across unmapped space.
 */
#define MAPS_GAP_TRIES 8

int maps_read(uintptr_t start, uintptr_t end, struct vma **out, int *n)
{
	int err, tries = 0;

	for (;;) {
		err = maps_read_once(start, end, out, n);
		if (err || !maps_gap(*out, *n, start, end) || ++tries == MAPS_GAP_TRIES)
			return err;
		sched_yield();
	}
}

/*
 * A /proc/self file kept open for the process, safe to ask for from any
 * thread or signal handler: the descriptor and the pid that opened it are
 * one atomic word, so racing first callers agree on one descriptor (the
 * losers close theirs), and a descriptor is never closed while this
 * process may use it -- only the copy inherited from the parent, which
 * names the parent's memory, is closed by the fork child that replaces it.
 * Returns the descriptor, or -1 with errno.
 */
int proc_fd_get(struct proc_fd *pf, const char *path, int flags)
{
	pid_t pid = self_pid();
	uint64_t v = atomic_load(&pf->v), nv;
	int fd;

	if (v && (pid_t)(v >> 32) == pid)
		return (int)(uint32_t)v - 1;
	fd = real_open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	nv = (uint64_t)(uint32_t)pid << 32 | (uint32_t)(fd + 1);
	for (;;) {
		if (atomic_compare_exchange_strong(&pf->v, &v, nv)) {
			if (v)
				real_close((int)(uint32_t)v - 1);
			return fd;
		}
		if (v && (pid_t)(v >> 32) == pid) {
			real_close(fd);
			return (int)(uint32_t)v - 1;
		}
	}
}

/* Entries of /proc/self/pagemap for @npages pages from @start. */
int pagemap_read(uintptr_t start, size_t npages, uint64_t *out)
{
	static struct proc_fd pagemap;
	size_t want = npages * sizeof(uint64_t), done = 0;
	off_t off = (off_t)(start / EMU_PAGE_SIZE * sizeof(uint64_t));
	int fd = proc_fd_get(&pagemap, "/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return -errno;
	while (done < want) {
		ssize_t r = real_pread(fd, (char *)out + done, want - done,
				  off + (off_t)done);

		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		done += (size_t)r;
	}
	return 0;
}

/*
 * VM_MAYWRITE of the VMA starting at @start, from the "mw" of its VmFlags
 * in /proc/self/smaps (a shared mapping of a file opened read-only, or of
 * a write-sealed memfd, lacks it).  Reads in chunks; allocates nothing.
 */
bool maps_maywrite(uintptr_t start)
{
	char buf[8192], want[32], *line, *nl;
	size_t have = 0, wl;
	bool in = false, mw = false, done = false;
	int fd;

	wl = (size_t)snprintf(want, sizeof(want), "%lx-", (unsigned long)start);
	fd = real_open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (!done) {
		ssize_t r = real_read(fd, buf + have, sizeof(buf) - 1 - have);

		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		line = buf;
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (!strncmp(line, want, wl))
				in = true;
			else if (in && !strncmp(line, "VmFlags:", 8)) {
				mw = strstr(line, " mw") != NULL;
				done = true;
				break;
			}
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			have = 0;
	}
	real_close(fd);
	return mw;
}
