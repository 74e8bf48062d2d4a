/* SPDX-License-Identifier: MIT */
/*
 * `uffd bench pager`: lazy restore of a memory image, engines side by side.
 *
 *	uffd bench pager [--size MiB] [--engines kernel,emulated]
 *			 [--store file,tcp] [--modes demand,prefetch,replay]
 *			 [--batch N] [--workers N] [--json]
 *	uffd bench pager --handler ...	(bench/handler_bench.c)
 *
 * The image (default 1 GiB, one page in four empty) is made once in a
 * scratch directory.  The application touches every page once, in a fixed
 * pseudo-random order (the same in every run).  For each engine and store,
 * three modes:
 *
 *	demand	 no prefetch: every page is a demand fault (the run also
 *		 records the first-touch order: the plan for replay)
 *	prefetch readahead after faults plus the background sweep
 *	replay	 prefetch plus the plan recorded by the demand run
 *
 * Reported: time to first access (pager creation, registration and the
 * first fault served, until the application's first read returns), total
 * restore time (until every page is present and the application has
 * read all of them), demand faults, pages prefetched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "bench.h"
#include "cli.h"
#include "uffd_pager.h"

enum { M_DEMAND, M_PREFETCH, M_REPLAY, NMODES };
static const char *const mode_names[NMODES + 1] = { "demand", "prefetch", "replay",
						   NULL };

struct pb_opts {
	size_t mib;
	const char *engines, *stores, *modes;
	unsigned batch, workers;
	bool json;
};

struct pb_result {
	double first_ms, total_ms;
	uint64_t demand, prefetched, faults;
	bool ok;
};

static size_t ps;

static uint64_t pb_word(uint64_t p, uint64_t i)
{
	return p % 4 == 3 ? 0 : (p << 20) ^ i ^ 0x9e3779b97f4a7c15ULL;
}

static int pb_image(const char *path, size_t npages)
{
	size_t chunk = 1024, i, j, w;
	uint64_t *buf = malloc(chunk * ps);
	struct uffd_image_writer *iw = buf ? uffd_image_create(path, npages, 0,
							       "uffd bench pager") : NULL;

	if (!iw) {
		free(buf);
		return -1;
	}
	for (i = 0; i < npages; i += chunk) {
		size_t n = npages - i < chunk ? npages - i : chunk;

		for (j = 0; j < n; j++)
			for (w = 0; w < ps / 8; w++)
				buf[j * ps / 8 + w] = pb_word(i + j, w);
		if (uffd_image_write(iw, i, buf, n)) {
			uffd_image_abort(iw);
			free(buf);
			return -1;
		}
	}
	free(buf);
	return uffd_image_finish(iw);
}

static struct uffd_store *pb_store(const char *store, const char *img,
				   const char *addr)
{
	if (!strcmp(store, "tcp"))
		return uffd_store_tcp_open(addr, 0, 10000);
	return uffd_store_file_open(img, UFFD_STORE_MMAP);
}

/* One restore; 0 when it ran. */
static int pb_run(const struct pb_opts *o, int engine, const char *store,
		  const char *img, const char *addr, int mode, const char *plan,
		  const size_t *order, size_t npages, struct pb_result *r)
{
	struct uffd_pager_config cfg = {
		.engine = engine, .batch = o->batch, .workers = o->workers,
	};
	struct uffd_pager_stats st;
	struct uffd_pager *p;
	uint64_t t0, sum = 0;
	size_t i;
	char *m;

	memset(r, 0, sizeof(*r));
	if (mode == M_DEMAND)
		cfg.flags = UFFD_PAGER_NO_PREFETCH | UFFD_PAGER_RECORD;
	if (mode == M_REPLAY)
		cfg.replay = plan;
	t0 = bench_now();
	p = uffd_pager_new(pb_store(store, img, addr), &cfg);
	if (!p) {
		fprintf(stderr, "bench pager: %s\n", uffd_pager_diagnostic());
		return -1;
	}
	m = uffd_pager_map(p, 0, npages, NULL);
	if (!m) {
		fprintf(stderr, "bench pager: %s\n", uffd_pager_diagnostic());
		uffd_pager_close(p);
		return -1;
	}
	sum += *(volatile uint64_t *)(m + order[0] * ps);
	r->first_ms = (double)(bench_now() - t0) / 1e6;
	for (i = 1; i < npages; i++)
		sum += *(volatile uint64_t *)(m + order[i] * ps + (i & 511) * 8);
	if (uffd_pager_wait(p, 600000)) {
		fprintf(stderr, "bench pager: %s\n", uffd_pager_diagnostic());
		uffd_pager_close(p);
		munmap(m, npages * ps);
		return -1;
	}
	r->total_ms = (double)(bench_now() - t0) / 1e6;
	uffd_pager_stats(p, -1, &st);
	r->demand = st.demand_pages;
	r->prefetched = st.prefetch_pages;
	r->faults = st.faults;
	r->ok = st.present == npages && sum != 1;
	for (i = 0; i < npages && r->ok; i += 97)	/* spot check */
		r->ok = *(uint64_t *)(m + i * ps + 8 * (i % 512)) == pb_word(i, i % 512);
	if (mode == M_DEMAND && uffd_pager_save_plan(p, plan))
		fprintf(stderr, "bench pager: %s\n", uffd_pager_diagnostic());
	uffd_pager_close(p);
	munmap(m, npages * ps);
	return 0;
}

static pid_t pb_server(const char *img, char *addr, size_t size)
{
	int pfd[2];
	pid_t pid;
	ssize_t n;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct uffd_server *s;
		const char *a;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		s = uffd_server_start("127.0.0.1:0", img);
		a = s ? uffd_server_address(s) : "";
		if (write(pfd[1], a, strlen(a) + 1) < 0)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	n = pid > 0 ? read(pfd[0], addr, size) : -1;
	close(pfd[0]);
	if (n <= 1) {
		if (pid > 0)
			kill(pid, SIGKILL);
		return -1;
	}
	return pid;
}

static void pb_usage(FILE *f)
{
	fprintf(f,
		"usage: uffd bench pager [--size MiB] [--engines kernel,emulated]\n"
		"                        [--store file,tcp] [--modes demand,prefetch,replay]\n"
		"                        [--batch N] [--workers N] [--json]\n"
		"       uffd bench pager --handler [--size MiB] [--engines ...] [--modes ...]\n"
		"  --size MiB  image size (default 1024)\n"
		"  --store     file (mmap of the image), tcp (a local page server);\n"
		"              default file\n"
		"  --modes     default all three; replay needs demand (its plan)\n");
}

int bench_handler_main(int argc, char **argv);	/* bench/handler_bench.c */
int bench_pager_main(int argc, char **argv);
int bench_pager_main(int argc, char **argv)
{
	static const char *const engine_names[] = { "kernel", "emulated" };
	static const char *const store_names[] = { "file", "tcp" };
	struct pb_opts o = { .mib = 1024, .engines = "kernel,emulated",
			     .stores = "file", .modes = "demand,prefetch,replay" };
	char dir[256], img[300], plan[300], addr[128] = "";
	size_t npages, *order, i;
	pid_t server = -1;
	bool first = true;
	int e, s, m, failed = 0;

	if (argc > 1 && !strcmp(argv[1], "--handler"))
		return bench_handler_main(argc - 1, argv + 1);
	for (i = 1; i < (size_t)argc; i++) {
		static const char *const engines[] = { "kernel", "emulated", NULL };
		static const char *const stores[] = { "file", "tcp", NULL };
		const char *a = argv[i], *v = i + 1 < (size_t)argc ? argv[i + 1] : NULL;
		long n = 0;

		if (!strcmp(a, "--json")) {
			o.json = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			pb_usage(stdout);
			return 0;
		}
		if (strcmp(a, "--size") && strcmp(a, "--engines") && strcmp(a, "--store") &&
		    strcmp(a, "--modes") && strcmp(a, "--batch") && strcmp(a, "--workers"))
			return cli_getopt_error("bench pager", '?', argv, (int)i + 1);
		if (!v)
			return cli_getopt_error("bench pager", ':', argv, (int)i + 1);
		if (!strcmp(a, "--size"))
			o.mib = (size_t)(n = cli_number("bench pager", a, v, 1, 1L << 20));
		else if (!strcmp(a, "--engines"))
			n = cli_list("bench pager", a, o.engines = v, engines);
		else if (!strcmp(a, "--store"))
			n = cli_list("bench pager", a, o.stores = v, stores);
		else if (!strcmp(a, "--modes"))
			n = cli_list("bench pager", a, o.modes = v, mode_names);
		else if (!strcmp(a, "--batch"))
			o.batch = (unsigned)(n = cli_number("bench pager", a, v, 1, 256));
		else
			o.workers = (unsigned)(n = cli_number("bench pager", a, v, 1, 64));
		if (n < 0)
			return EXIT_USAGE;
		i++;
	}
	ps = (size_t)sysconf(_SC_PAGESIZE);
	npages = (o.mib << 20) / ps;
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s/uffd-bench-pager.XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("bench pager: mkdtemp");
		return 1;
	}
	snprintf(img, sizeof(img), "%s/image", dir);
	snprintf(plan, sizeof(plan), "%s/plan", dir);
	if (!o.json)
		fprintf(stderr, "making a %zu MiB image...\n", o.mib);
	if (pb_image(img, npages)) {
		fprintf(stderr, "bench pager: %s\n", uffd_pager_diagnostic());
		rmdir(dir);
		return 1;
	}
	order = malloc(npages * sizeof(*order));
	if (!order)
		return 1;
	for (i = 0; i < npages; i++)
		order[i] = i;
	bench_shuffle(order, npages, 42);
	if (strstr(o.stores, "tcp")) {
		server = pb_server(img, addr, sizeof(addr));
		if (server < 0)
			fprintf(stderr, "bench pager: cannot start a page server\n");
	}
	if (o.json)
		printf("[\n");
	else
		printf("pager restore of %zu MiB (%zu pages, 1/4 zero), every page "
		       "touched once in random order\n%-9s %-5s %-9s %12s %14s %9s "
		       "%11s %9s\n", o.mib, npages, "engine", "store", "mode",
		       "first ms", "total ms", "demand", "prefetched", "MiB/s");
	for (e = 0; e < 2; e++) {
		int fd;

		if (!strstr(o.engines, engine_names[e]))
			continue;
		fd = uffd_open_engine(O_CLOEXEC, e == 0 ? UFFD_ENGINE_KERNEL :
				      UFFD_ENGINE_EMULATED);
		if (fd < 0) {
			fprintf(stderr, "bench pager: %s engine unavailable: %s\n",
				engine_names[e], uffd_diagnostic());
			continue;
		}
		close(fd);
		for (s = 0; s < 2; s++) {
			if (!strstr(o.stores, store_names[s]) || (s == 1 && server < 0))
				continue;
			unlink(plan);
			for (m = 0; m < NMODES; m++) {
				struct pb_result r;

				if (!strstr(o.modes, mode_names[m]))
					continue;
				if (m == M_REPLAY && access(plan, R_OK))
					continue;	/* no demand run: no plan */
				if (pb_run(&o, e == 0 ? UFFD_ENGINE_KERNEL :
					   UFFD_ENGINE_EMULATED, store_names[s], img,
					   addr, m, plan, order, npages, &r)) {
					failed = 1;
					continue;
				}
				failed |= !r.ok;
				if (o.json) {
					printf("%s  {\"engine\": \"%s\", \"store\": \"%s\", "
					       "\"mode\": \"%s\", \"mib\": %zu, "
					       "\"first_access_ms\": %.3f, "
					       "\"total_restore_ms\": %.1f, "
					       "\"demand_pages\": %llu, "
					       "\"prefetched_pages\": %llu, \"ok\": %s}",
					       first ? "" : ",\n", engine_names[e],
					       store_names[s], mode_names[m], o.mib,
					       r.first_ms, r.total_ms,
					       (unsigned long long)r.demand,
					       (unsigned long long)r.prefetched,
					       r.ok ? "true" : "false");
					first = false;
				} else {
					printf("%-9s %-5s %-9s %12.3f %14.1f %9llu %11llu "
					       "%9.0f%s\n", engine_names[e], store_names[s],
					       mode_names[m], r.first_ms, r.total_ms,
					       (unsigned long long)r.demand,
					       (unsigned long long)r.prefetched,
					       (double)o.mib * 1e3 / r.total_ms,
					       r.ok ? "" : "  WRONG CONTENTS");
				}
				fflush(stdout);
			}
		}
	}
	if (o.json)
		printf("\n]\n");
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}
	free(order);
	unlink(plan);
	unlink(img);
	rmdir(dir);
	return failed;
}
