/* SPDX-License-Identifier: MIT */
/*
 * Benchmark scenarios.  Each one sets up a uffd on the requested engine,
 * starts its handler threads, and times every faulting access from the
 * faulting thread(s).  Handlers are written the way applications write
 * them: poll() then read() then an ioctl per message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "bench.h"

enum resolve { R_COPY, R_ZERO, R_BATCH, R_UNPROTECT };

struct server {
	int pin;		/* >= 0: run on this CPU only */
	int fd;
	enum resolve how;
	char *region;
	size_t pages;
	int batch;
	char *src;
	volatile int stop;
	pthread_t thread;
};

static void wake_page(int fd, uint64_t page)
{
	struct uffdio_range r = { page, 4096 };

	uffd_ioctl(fd, UFFDIO_WAKE, &r);
}

static void resolve(struct server *s, uint64_t addr)
{
	uint64_t page = addr & ~4095ULL;

	switch (s->how) {
	case R_COPY: {
		struct uffdio_copy c = { .dst = page, .src = (uintptr_t)s->src,
					 .len = 4096 };

		if (uffd_ioctl(s->fd, UFFDIO_COPY, &c) && errno == EEXIST)
			wake_page(s->fd, page);
		break;
	}
	case R_ZERO: {
		struct uffdio_zeropage z = { .range = { page, 4096 } };

		if (uffd_ioctl(s->fd, UFFDIO_ZEROPAGE, &z) && errno == EEXIST)
			wake_page(s->fd, page);
		break;
	}
	case R_BATCH: {
		size_t idx = (page - (uintptr_t)s->region) / 4096;
		size_t first = idx / (size_t)s->batch * (size_t)s->batch;
		size_t n = (size_t)s->batch;
		struct uffdio_copy c;

		if (first + n > s->pages)
			n = s->pages - first;
		c.dst = (uintptr_t)s->region + first * 4096;
		c.src = (uintptr_t)s->src;
		c.len = n * 4096;
		c.mode = 0;
		if (uffd_ioctl(s->fd, UFFDIO_COPY, &c) &&
		    (errno == EEXIST || errno == EAGAIN))
			wake_page(s->fd, page);
		break;
	}
	case R_UNPROTECT: {
		struct uffdio_writeprotect w = { .range = { page, 4096 } };

		uffd_ioctl(s->fd, UFFDIO_WRITEPROTECT, &w);
		break;
	}
	}
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *server_main(void *arg)
{
	struct server *s = arg;

	if (s->pin >= 0)
		pin_to(s->pin);
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	struct uffd_msg m[16];

	while (!s->stop) {
		ssize_t n;
		int i;

		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = read(s->fd, m, sizeof(m));
		for (i = 0; i < n / (ssize_t)sizeof(m[0]); i++)
			if (m[i].event == UFFD_EVENT_PAGEFAULT)
				resolve(s, m[i].arg.pagefault.address);
	}
	return NULL;
}

static void servers_start(struct server *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pthread_create(&s[i].thread, NULL, server_main, &s[i])) {
			perror("bench: pthread_create");
			exit(1);
		}
}

static void servers_stop(struct server *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		s[i].stop = 1;
	for (i = 0; i < n; i++)
		pthread_join(s[i].thread, NULL);
}

/* ---- faulting threads ---------------------------------------------------- */

struct walker {
	int pin;
	char *region;
	size_t *order;		/* page indices to touch */
	size_t n;
	uint64_t *lat;		/* n latencies */
	bool write;
	pthread_t thread;
};

static void *walker_main(void *arg)
{
	struct walker *w = arg;
	size_t i;

	if (w->pin >= 0)
		pin_to(w->pin);
	for (i = 0; i < w->n; i++) {
		volatile char *p = w->region + w->order[i] * 4096;
		uint64_t t0 = bench_now();

		if (w->write)
			*p = 1;
		else
			(void)*p;
		w->lat[i] = bench_now() - t0;
	}
	return NULL;
}

static size_t *make_order(size_t pages, bool random, size_t stride)
{
	size_t *o = malloc((pages / stride + 1) * sizeof(*o)), i, n = 0;

	if (!o)
		exit(1);
	for (i = 0; i < pages; i += stride)
		o[n++] = i;
	if (random)
		bench_shuffle(o, n, 0x2545f4914f6cdd1dULL ^ pages);
	return o;
}

/*
 * The common shape: region registered on @engine, @handlers servers
 * resolving with @how, @threads walkers touching disjoint slices.
 */
static int fault_run(int engine, const struct bench_params *p, enum resolve how,
		     uint64_t mode, bool write, struct sample *out)
{
	int threads = p->threads > 0 ? p->threads : 1;
	int handlers = p->handlers > 0 ? p->handlers : 1;
	size_t stride = how == R_BATCH ? (size_t)p->batch : 1;
	struct server *srv = calloc((size_t)handlers, sizeof(*srv));
	struct walker *wk = calloc((size_t)threads, sizeof(*wk));
	size_t *order = make_order(p->pages, p->random, stride), norder, per, i;
	char *region = bench_map(p->pages), *src = bench_map((size_t)(p->batch > 0 ? p->batch : 1));
	pid_t load = 0;
	uint64_t t0;
	int fd, t;

	norder = (p->pages + stride - 1) / stride;
	if (!srv || !wk)
		exit(1);
	fd = bench_uffd(engine, 0);
	if (fd < 0)
		return -1;
	for (i = 0; i < (size_t)(p->batch > 0 ? p->batch : 1); i++)
		bench_fill_page(src + i * 4096, i);
	if (how == R_UNPROTECT) {
		struct uffdio_writeprotect w = {
			.range = { (uintptr_t)region, p->pages * 4096 },
			.mode = UFFDIO_WRITEPROTECT_MODE_WP,
		};

		memset(region, 1, p->pages * 4096);
		if (bench_register(fd, region, p->pages, mode) ||
		    uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &w)) {
			fprintf(stderr, "bench: write-protect setup: %s\n", strerror(errno));
			close(fd);
			return -1;
		}
	} else if (bench_register(fd, region, p->pages, mode)) {
		fprintf(stderr, "bench: register: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	for (t = 0; t < handlers; t++) {
		srv[t].fd = fd;
		srv[t].how = how;
		srv[t].region = region;
		srv[t].pages = p->pages;
		srv[t].batch = p->batch;
		srv[t].src = src;
		srv[t].pin = p->pinned ? 0 : -1;
	}
	if (p->load)
		load = bench_load_start();
	servers_start(srv, handlers);

	out->lat_ns = bench_lat_alloc(norder);
	out->nlat = norder;
	per = (norder + (size_t)threads - 1) / (size_t)threads;
	t0 = bench_now();
	for (t = 0; t < threads; t++) {
		size_t first = (size_t)t * per;

		wk[t].region = region;
		wk[t].order = order + first;
		wk[t].n = first < norder ? (norder - first < per ? norder - first : per) : 0;
		wk[t].lat = out->lat_ns + first;
		wk[t].write = write;
		wk[t].pin = p->pinned ? 0 : -1;
		if (pthread_create(&wk[t].thread, NULL, walker_main, &wk[t]))
			exit(1);
	}
	for (t = 0; t < threads; t++)
		pthread_join(wk[t].thread, NULL);
	out->wall_ns = bench_now() - t0;
	out->faults = norder;
	out->pages = p->pages;

	servers_stop(srv, handlers);
	if (load)
		bench_load_stop(load);
	close(fd);
	munmap(region, p->pages * 4096);
	munmap(src, (size_t)(p->batch > 0 ? p->batch : 1) * 4096);
	free(order);
	free(srv);
	free(wk);
	return 0;
}

static int sc_missing_copy(int engine, const struct bench_params *p, struct sample *out)
{
	return fault_run(engine, p, R_COPY, UFFDIO_REGISTER_MODE_MISSING, false, out);
}

static int sc_missing_zero(int engine, const struct bench_params *p, struct sample *out)
{
	return fault_run(engine, p, R_ZERO, UFFDIO_REGISTER_MODE_MISSING, false, out);
}

static int sc_missing_batch(int engine, const struct bench_params *p, struct sample *out)
{
	return fault_run(engine, p, R_BATCH, UFFDIO_REGISTER_MODE_MISSING, false, out);
}

static int sc_wp(int engine, const struct bench_params *p, struct sample *out)
{
	return fault_run(engine, p, R_UNPROTECT, UFFDIO_REGISTER_MODE_WP, true, out);
}

/* ---- SIGBUS: the faulting thread serves itself ----------------------------- */

static int sigbus_fd;
static char *sigbus_src;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	struct uffdio_copy c = {
		.dst = (uintptr_t)si->si_addr & ~4095UL,
		.src = (uintptr_t)sigbus_src,
		.len = 4096,
	};

	(void)sig;
	(void)uc;
	uffd_ioctl(sigbus_fd, UFFDIO_COPY, &c);
}

static int sc_sigbus(int engine, const struct bench_params *p, struct sample *out)
{
	struct sigaction sa, old;
	char *region = bench_map(p->pages);
	size_t *order = make_order(p->pages, p->random, 1), i;
	uint64_t t0;

	sigbus_fd = bench_uffd(engine, UFFD_FEATURE_SIGBUS);
	if (sigbus_fd < 0)
		return -1;
	sigbus_src = bench_map(1);
	bench_fill_page(sigbus_src, 0);
	if (bench_register(sigbus_fd, region, p->pages, UFFDIO_REGISTER_MODE_MISSING))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);

	out->lat_ns = bench_lat_alloc(p->pages);
	out->nlat = p->pages;
	t0 = bench_now();
	for (i = 0; i < p->pages; i++) {
		volatile char *a = region + order[i] * 4096;
		uint64_t s = bench_now();

		(void)*a;
		out->lat_ns[i] = bench_now() - s;
	}
	out->wall_ns = bench_now() - t0;
	out->faults = out->pages = p->pages;
	sigaction(SIGBUS, &old, NULL);
	close(sigbus_fd);
	munmap(region, p->pages * 4096);
	munmap(sigbus_src, 4096);
	free(order);
	return 0;
}

/* ---- baselines: no uffd at all ------------------------------------------------- */

static int sc_first_touch(int engine, const struct bench_params *p, struct sample *out)
{
	char *region = bench_map(p->pages);
	size_t i;
	uint64_t t0;

	(void)engine;
	out->lat_ns = bench_lat_alloc(p->pages);
	out->nlat = p->pages;
	t0 = bench_now();
	for (i = 0; i < p->pages; i++) {
		volatile char *a = region + i * 4096;
		uint64_t s = bench_now();

		*a = 1;
		out->lat_ns[i] = bench_now() - s;
	}
	out->wall_ns = bench_now() - t0;
	out->faults = out->pages = p->pages;
	munmap(region, p->pages * 4096);
	return 0;
}

static int sc_memcpy(int engine, const struct bench_params *p, struct sample *out)
{
	char *dst = bench_map(p->pages), *src = bench_map(1);
	size_t i;
	uint64_t t0;

	(void)engine;
	memset(dst, 0, p->pages * 4096);	/* populated, cold in cache */
	bench_fill_page(src, 1);
	out->lat_ns = bench_lat_alloc(p->pages);
	out->nlat = p->pages;
	t0 = bench_now();
	for (i = 0; i < p->pages; i++) {
		uint64_t s = bench_now();

		memcpy(dst + i * 4096, src, 4096);
		__asm__ __volatile__("" ::: "memory");
		out->lat_ns[i] = bench_now() - s;
	}
	out->wall_ns = bench_now() - t0;
	out->faults = out->pages = p->pages;
	munmap(dst, p->pages * 4096);
	munmap(src, 4096);
	return 0;
}

/*
 * What one install costs, without a fault: UFFDIO_COPY or UFFDIO_ZEROPAGE
 * of one page into a registered, missing page, timed call by call.  The
 * emulated engine's install is page protection work; its yardstick is the
 * "mprotect-pair" baseline: one page made read-only and back in a populated
 * mapping, which splits the VMA and merges it again.
 */
static int install_loop(int engine, const struct bench_params *p, struct sample *out,
			bool zero)
{
	char *region = bench_map(p->pages), *src = bench_map(1);
	size_t i;
	uint64_t t0;
	int fd = bench_uffd(engine, 0);

	if (fd < 0 || bench_register(fd, region, p->pages, UFFDIO_REGISTER_MODE_MISSING)) {
		if (fd >= 0)
			close(fd);
		munmap(region, p->pages * 4096);
		munmap(src, 4096);
		return -1;
	}
	bench_fill_page(src, 1);
	out->lat_ns = bench_lat_alloc(p->pages);
	out->nlat = p->pages;
	t0 = bench_now();
	for (i = 0; i < p->pages; i++) {
		uintptr_t d = (uintptr_t)region + i * 4096;
		struct uffdio_copy c = { d, (uintptr_t)src, 4096, 0, 0 };
		struct uffdio_zeropage z = { { d, 4096 }, 0, 0 };
		uint64_t s = bench_now();

		if (zero)
			uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z);
		else
			uffd_ioctl(fd, UFFDIO_COPY, &c);
		out->lat_ns[i] = bench_now() - s;
	}
	out->wall_ns = bench_now() - t0;
	out->faults = out->pages = p->pages;
	close(fd);
	munmap(region, p->pages * 4096);
	munmap(src, 4096);
	return 0;
}

static int sc_install_copy(int engine, const struct bench_params *p, struct sample *out)
{
	return install_loop(engine, p, out, false);
}

static int sc_install_zero(int engine, const struct bench_params *p, struct sample *out)
{
	return install_loop(engine, p, out, true);
}

static int sc_mprotect_pair(int engine, const struct bench_params *p, struct sample *out)
{
	char *region = bench_map(p->pages + 2);
	size_t i;
	uint64_t t0;

	(void)engine;
	memset(region, 1, (p->pages + 2) * 4096);
	out->lat_ns = bench_lat_alloc(p->pages);
	out->nlat = p->pages;
	t0 = bench_now();
	for (i = 0; i < p->pages; i++) {
		char *a = region + (i + 1) * 4096;
		uint64_t s = bench_now();

		mprotect(a, 4096, PROT_READ);
		mprotect(a, 4096, PROT_READ | PROT_WRITE);
		out->lat_ns[i] = bench_now() - s;
	}
	out->wall_ns = bench_now() - t0;
	out->faults = p->pages;
	out->pages = 0;
	munmap(region, (p->pages + 2) * 4096);
	return 0;
}

/*
 * The cost of going through uffd_ioctl() instead of ioctl(2): UFFDIO_WAKE
 * on an empty range, the cheapest uffd ioctl.  On the kernel engine the
 * "raw" variant calls ioctl(2) directly.
 */
static int ioctl_loop(int engine, const struct bench_params *p, struct sample *out,
		      bool raw)
{
	struct uffdio_range r = { 0x10000, 4096 };
	size_t i, n = p->pages;
	uint64_t t0;
	int fd = bench_uffd(engine, 0);

	if (fd < 0)
		return -1;
	if (raw && strcmp(uffd_engine(fd), "kernel")) {
		close(fd);
		return -1;
	}
	out->lat_ns = NULL;
	out->nlat = 0;
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		if (raw)
			ioctl(fd, UFFDIO_WAKE, &r);
		else
			uffd_ioctl(fd, UFFDIO_WAKE, &r);
	}
	out->wall_ns = bench_now() - t0;
	out->faults = n;
	out->pages = 0;
	close(fd);
	return 0;
}

static int sc_ioctl_uffd(int engine, const struct bench_params *p, struct sample *out)
{
	return ioctl_loop(engine, p, out, false);
}

static int sc_ioctl_raw(int engine, const struct bench_params *p, struct sample *out)
{
	return ioctl_loop(engine, p, out, true);
}

#define P(pages_, thr, hnd, b, rnd) { (pages_), (thr), (hnd), (b), (rnd), false, false }
#define PINNED(pages_) { (pages_), 1, 1, 1, false, true, false }
#define LOADED(pages_, thr) { (pages_), (thr), 1, 1, false, false, true }

const struct scenario bench_scenarios[] = {
	{ "missing-copy", "seq", sc_missing_copy, P(16384, 1, 1, 1, false), false, "fault" },
	{ "missing-copy", "random", sc_missing_copy, P(16384, 1, 1, 1, true), false, "fault" },
	{ "missing-copy", "pinned-1cpu", sc_missing_copy, PINNED(16384), false, "fault" },
	{ "missing-copy", "loaded", sc_missing_copy, LOADED(16384, 1), false, "fault" },
	{ "missing-zeropage", "seq", sc_missing_zero, P(16384, 1, 1, 1, false), false, "fault" },
	{ "missing-copy-batch", "16", sc_missing_batch, P(16384, 1, 1, 16, false), false, "fault" },
	{ "missing-copy-batch", "64", sc_missing_batch, P(16384, 1, 1, 64, false), false, "fault" },
	{ "wp", "unprotect", sc_wp, P(8192, 1, 1, 1, false), false, "fault" },
	{ "sigbus", "copy", sc_sigbus, P(16384, 1, 1, 1, false), false, "fault" },
	{ "threads", "1x1", sc_missing_copy, P(8192, 1, 1, 1, false), false, "fault" },
	{ "threads", "2x1", sc_missing_copy, P(8192, 2, 1, 1, false), false, "fault" },
	{ "threads", "4x1", sc_missing_copy, P(8192, 4, 1, 1, false), false, "fault" },
	{ "threads", "8x1", sc_missing_copy, P(8192, 8, 1, 1, false), false, "fault" },
	{ "threads", "8x1-loaded", sc_missing_copy, LOADED(8192, 8), false, "fault" },
	{ "threads", "2x2", sc_missing_copy, P(8192, 2, 2, 1, false), false, "fault" },
	{ "threads", "4x4", sc_missing_copy, P(8192, 4, 4, 1, false), false, "fault" },
	{ "threads", "8x8", sc_missing_copy, P(8192, 8, 8, 1, false), false, "fault" },
	{ "install", "copy", sc_install_copy, P(16384, 1, 0, 0, false), false, "COPY" },
	{ "install", "zeropage", sc_install_zero, P(16384, 1, 0, 0, false), false, "ZEROPAGE" },
	{ "baseline", "mprotect-pair", sc_mprotect_pair, P(16384, 1, 0, 0, false), true, "pair" },
	{ "baseline", "first-touch", sc_first_touch, P(16384, 1, 0, 0, false), true, "page" },
	{ "baseline", "memcpy-4k", sc_memcpy, P(16384, 1, 0, 0, false), true, "copy" },
	{ "baseline", "syscall", sc_base_syscall, P(200000, 1, 0, 0, false), true, "call" },
	{ "baseline", "guard-remove", sc_base_guard_remove, P(16384, 1, 0, 0, false), true, "page" },
	{ "baseline", "hide-install", sc_base_hide_install, P(16384, 1, 0, 0, false), true, "page" },
	{ "baseline", "memfd-install", sc_base_memfd_install, P(16384, 1, 0, 0, false), true, "page" },
	{ "ioctl", "uffd_ioctl", sc_ioctl_uffd, P(200000, 1, 0, 0, false), false, "ioctl" },
	{ "ioctl", "raw", sc_ioctl_raw, P(200000, 1, 0, 0, false), false, "ioctl" },
};
const size_t bench_nscenarios = sizeof(bench_scenarios) / sizeof(bench_scenarios[0]);
