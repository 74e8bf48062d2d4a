/* SPDX-License-Identifier: MIT */
/*
 * Baselines for what a user-space install is made of, without any engine:
 * the host's price of the system calls the emulated engine needs, so that
 * its ratio to the kernel can be read against this machine's floor.
 *
 *   syscall        getppid(): one system call, entry and exit
 *   guard-remove   MADV_GUARD_REMOVE of one page (what a ZEROPAGE costs)
 *   hide-install   the emulated engine's UFFDIO_COPY into anonymous memory,
 *                  by hand: mprotect(PROT_NONE), MADV_GUARD_REMOVE,
 *                  pwrite(/proc/self/mem), mprotect(back)
 *   memfd-install  the alternative with a private memfd mapping behind the
 *                  region: pwrite() into the file, MADV_GUARD_REMOVE (not
 *                  used: it changes fork and memory accounting, see
 *                  docs/performance.md)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "bench.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE 103
#endif

enum mech { M_SYSCALL, M_GUARD_REMOVE, M_HIDE_INSTALL, M_MEMFD_INSTALL };

static int run(enum mech m, const struct bench_params *p, struct sample *out)
{
	size_t len = p->pages * 4096, i;
	char *src = bench_map(1), *r = MAP_FAILED;
	int fd = -1, mem = -1;
	uint64_t t0;

	bench_fill_page(src, 1);
	if (m == M_MEMFD_INSTALL) {
		fd = memfd_create("uffd-bench", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, (off_t)len))
			return -1;
		r = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	} else if (m != M_SYSCALL) {
		r = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	}
	if (m != M_SYSCALL && (r == MAP_FAILED || madvise(r, len, MADV_GUARD_INSTALL)))
		return -1;	/* no guard markers here (Linux < 6.13) */
	if (m == M_HIDE_INSTALL && (mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	out->lat_ns = bench_lat_alloc(p->pages);
	out->nlat = p->pages;
	t0 = bench_now();
	for (i = 0; i < p->pages; i++) {
		char *a = r == MAP_FAILED ? NULL : r + i * 4096;
		uint64_t s = bench_now();

		switch (m) {
		case M_SYSCALL:
			syscall(SYS_getppid);
			break;
		case M_GUARD_REMOVE:
			madvise(a, 4096, MADV_GUARD_REMOVE);
			break;
		case M_HIDE_INSTALL:
			mprotect(a, 4096, PROT_NONE);
			madvise(a, 4096, MADV_GUARD_REMOVE);
			if (pwrite(mem, src, 4096, (off_t)(uintptr_t)a) != 4096)
				exit(1);
			mprotect(a, 4096, PROT_READ | PROT_WRITE);
			break;
		case M_MEMFD_INSTALL:
			if (pwrite(fd, src, 4096, (off_t)(i * 4096)) != 4096)
				exit(1);
			madvise(a, 4096, MADV_GUARD_REMOVE);
			break;
		}
		out->lat_ns[i] = bench_now() - s;
	}
	out->wall_ns = bench_now() - t0;
	out->faults = p->pages;
	out->pages = m >= M_HIDE_INSTALL ? p->pages : 0;
	if (m >= M_HIDE_INSTALL && memcmp(r + (p->pages - 1) * 4096, src, 4096))
		exit(1);	/* the last page must hold the source */
	if (r != MAP_FAILED)
		munmap(r, len);
	if (fd >= 0)
		close(fd);
	if (mem >= 0)
		close(mem);
	munmap(src, 4096);
	return 0;
}

int sc_base_syscall(int engine, const struct bench_params *p, struct sample *out)
{
	(void)engine;
	return run(M_SYSCALL, p, out);
}

int sc_base_guard_remove(int engine, const struct bench_params *p, struct sample *out)
{
	(void)engine;
	return run(M_GUARD_REMOVE, p, out);
}

int sc_base_hide_install(int engine, const struct bench_params *p, struct sample *out)
{
	(void)engine;
	return run(M_HIDE_INSTALL, p, out);
}

int sc_base_memfd_install(int engine, const struct bench_params *p, struct sample *out)
{
	(void)engine;
	return run(M_MEMFD_INSTALL, p, out);
}
