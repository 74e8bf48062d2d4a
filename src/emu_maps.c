/* SPDX-License-Identifier: MIT */
/*
 * What the kernel knows about our address space: VMAs from /proc/self/maps,
 * page presence from /proc/self/pagemap, and guard markers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "emu.h"
#include "real.h"
#include "sys.h"

int guard_install(uintptr_t start, size_t len)
{
	return madvise((void *)start, len, MADV_GUARD_INSTALL) ? -errno : 0;
}

int guard_remove(uintptr_t start, size_t len)
{
	return madvise((void *)start, len, MADV_GUARD_REMOVE) ? -errno : 0;
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

static bool parse_line(char *line, struct vma *v)
{
	unsigned long long s, e, off, ino;
	char perms[8], dev[16];
	int pos = 0;
	char *name;

	if (sscanf(line, "%llx-%llx %7s %llx %15s %llu %n", &s, &e, perms, &off,
		   dev, &ino, &pos) < 6)
		return false;
	name = line + pos;
	name[strcspn(name, "\n")] = '\0';
	memset(v, 0, sizeof(*v));
	v->start = (uintptr_t)s;
	v->end = (uintptr_t)e;
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
 * The VMAs intersecting [start, end), in address order.  *out is malloc'ed;
 * caller frees.  Not async-signal-safe.
 */
int maps_read(uintptr_t start, uintptr_t end, struct vma **out, int *n)
{
	struct vma *vec = NULL, v;
	int cnt = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	FILE *f;

	*out = NULL;
	*n = 0;
	f = fopen("/proc/self/maps", "re");
	if (!f)
		return -errno;
	while (getline(&line, &lcap, f) > 0) {
		if (!parse_line(line, &v))
			continue;
		if (v.end <= start)
			continue;
		if (v.start >= end)
			break;
		if (cnt == cap) {
			struct vma *nv;

			cap = cap ? cap * 2 : 8;
			nv = realloc(vec, (size_t)cap * sizeof(*vec));
			if (!nv) {
				free(vec);
				free(line);
				fclose(f);
				return -ENOMEM;
			}
			vec = nv;
		}
		vec[cnt++] = v;
	}
	free(line);
	fclose(f);
	*out = vec;
	*n = cnt;
	return 0;
}

/* Entries of /proc/self/pagemap for @npages pages from @start. */
int pagemap_read(uintptr_t start, size_t npages, uint64_t *out)
{
	static int fd = -1;
	static pid_t fd_pid;
	size_t want = npages * sizeof(uint64_t), done = 0;
	off_t off = (off_t)(start / EMU_PAGE_SIZE * sizeof(uint64_t));
	pid_t pid = sys_getpid();

	if (fd < 0 || fd_pid != pid) {
		if (fd >= 0)
			real_close(fd);
		fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		fd_pid = pid;
	}
	while (done < want) {
		ssize_t r = pread(fd, (char *)out + done, want - done,
				  off + (off_t)done);

		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		done += (size_t)r;
	}
	return 0;
}

/* Is @addr inside any VMA? */
bool maps_read_covers(uintptr_t addr)
{
	struct vma *v = NULL;
	int n = 0;
	bool in;

	if (maps_read(addr, addr + 1, &v, &n))
		return false;
	in = n > 0 && v[0].start <= addr;
	free(v);
	return in;
}
