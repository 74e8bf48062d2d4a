/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the benchmark scenarios. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include "bench.h"

uint64_t bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void *bench_map(size_t pages)
{
	void *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("bench: mmap");
		exit(1);
	}
	/* One page per fault: no transparent huge pages. */
	madvise(p, pages * 4096, MADV_NOHUGEPAGE);
	return p;
}

/* A uffd on @engine with UFFDIO_API done; -1 when unavailable. */
int bench_uffd(int engine, uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = uffd_open_engine(O_CLOEXEC | O_NONBLOCK, engine);

	if (fd < 0)
		return -1;
	if (uffd_ioctl(fd, UFFDIO_API, &api)) {
		close(fd);
		return -1;
	}
	return fd;
}

int bench_register(int fd, void *p, size_t pages, uint64_t mode)
{
	struct uffdio_register r = {
		.range = { (uintptr_t)p, pages * 4096 }, .mode = mode,
	};

	return uffd_ioctl(fd, UFFDIO_REGISTER, &r);
}

void bench_fill_page(void *page, size_t index)
{
	uint64_t *w = page;
	size_t i;

	for (i = 0; i < 512; i++)
		w[i] = (index << 16) ^ i ^ 0x9e3779b97f4a7c15ULL;
}

uint64_t *bench_lat_alloc(size_t n)
{
	uint64_t *v = calloc(n ? n : 1, sizeof(*v));

	if (!v) {
		perror("bench: calloc");
		exit(1);
	}
	return v;
}

void bench_shuffle(size_t *v, size_t n, uint64_t seed)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j, t;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		j = (size_t)(seed % i);
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* Progress lines are redrawn with \r: only on a terminal. */
void bench_progress(int rep, int reps, const char *label)
{
	if (!isatty(2))
		return;
	fprintf(stderr, "\r  rep %d/%d  %-28s", rep + 1, reps, label ? label : "");
	fflush(stderr);
}

void bench_progress_end(void)
{
	if (isatty(2))
		fprintf(stderr, "\r%60s\r", "");
}
