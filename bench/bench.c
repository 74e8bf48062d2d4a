/* SPDX-License-Identifier: MIT */
/*
 * `uffd bench [--json] [--reps N] [--full] [--only SUBSTR] [--engines LIST]`
 *
 * Runs every scenario on every available engine in the same process,
 * interleaved (each repetition runs all scenarios on all engines, the
 * engine order alternating between repetitions), then prints per-fault
 * latency percentiles over all repetitions, throughput, and the ratio of
 * the emulated engine's median to the kernel's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "bench.h"

#define MAX_ENGINES 2

struct acc {
	uint64_t *lat;		/* all latencies of all repetitions */
	size_t nlat, cap;
	size_t faults, pages;
	uint64_t wall_ns;
	int runs;
};

struct stats {
	bool ok;
	double median, p90, p99;	/* ns per fault */
	double per_sec;
	size_t faults;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void acc_add(struct acc *a, struct sample *s)
{
	if (s->nlat) {
		if (a->nlat + s->nlat > a->cap) {
			a->cap = (a->nlat + s->nlat) * 2;
			a->lat = realloc(a->lat, a->cap * sizeof(*a->lat));
			if (!a->lat)
				exit(1);
		}
		memcpy(a->lat + a->nlat, s->lat_ns, s->nlat * sizeof(*a->lat));
		a->nlat += s->nlat;
	}
	a->faults += s->faults;
	a->pages = s->pages;
	a->wall_ns += s->wall_ns;
	a->runs++;
	free(s->lat_ns);
}

static struct stats acc_stats(struct acc *a)
{
	struct stats st = { 0 };

	if (!a->runs || !a->faults)
		return st;
	st.ok = true;
	st.faults = a->faults / (size_t)a->runs;
	st.per_sec = (double)a->faults * 1e9 / (double)a->wall_ns;
	if (a->nlat) {
		qsort(a->lat, a->nlat, sizeof(*a->lat), cmp_u64);
		st.median = (double)a->lat[a->nlat / 2];
		st.p90 = (double)a->lat[a->nlat * 9 / 10];
		st.p99 = (double)a->lat[a->nlat * 99 / 100];
	} else {
		st.median = st.p90 = st.p99 = (double)a->wall_ns / (double)a->faults;
	}
	return st;
}

static const char *engine_name(int e)
{
	return e == UFFD_ENGINE_KERNEL ? "kernel" : e == UFFD_ENGINE_EMULATED ?
	       "emulated" : "none";
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: uffd bench [--json | --json-file F] [--reps N] [--full] [--only SUBSTR]\n"
		"                  [--engines kernel,emulated]\n"
		"  --json          one JSON object per scenario and engine\n"
		"  --json-file F   the table on stdout and the JSON into F\n"
		"  --reps N        repetitions (default 3)\n"
		"  --full          256 MiB for missing-copy (default 64 MiB)\n"
		"  --only S        scenarios whose name/variant contains S\n"
		"  --engines LIST  which engines (default kernel,emulated)\n"
		"\n"
		"       uffd bench pager|xproc|preload [--help]\n");
}

static void host_line(FILE *f, int reps)
{
	struct utsname u;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	uname(&u);
	fprintf(f, "host: Linux %s %s, %ld CPUs; %d repetitions, interleaved\n",
		u.release, u.machine, cpus, reps);
}

/* `uffd bench pager ...`: the pager's benchmarks (bench/pager_bench.c). */
int bench_pager_main(int argc, char **argv) __attribute__((weak));
/* `uffd bench preload ...`: the preload shim's overhead (bench/preload_bench.c). */
int bench_preload_main(int argc, char **argv) __attribute__((weak));
/* `uffd bench xproc ...`: the handler in another process (bench/xproc_bench.c). */
int bench_xproc_main(int argc, char **argv) __attribute__((weak));

/* The results: a table, or one JSON object per scenario and engine. */
static void print_results(FILE *f, bool json, struct acc (*acc)[MAX_ENGINES + 1],
			  const int *engines, int nengines)
{
	bool first = true;
	size_t s;

	if (json)
		fprintf(f, "[\n");
	else
		fprintf(f, "%-20s %-12s %-9s %8s %10s %10s %10s %12s %9s\n", "scenario",
			"variant", "engine", "faults", "median us", "p90 us",
			"p99 us", "faults/s", "emu/kern");
	for (s = 0; s < bench_nscenarios; s++) {
		const struct scenario *sc = &bench_scenarios[s];
		struct stats st[MAX_ENGINES + 1];
		double kmed = 0;
		int k;

		for (k = 0; k <= MAX_ENGINES; k++)
			st[k] = acc_stats(&acc[s][k]);
		for (k = 0; k < nengines; k++)
			if (engines[k] == UFFD_ENGINE_KERNEL && st[k].ok)
				kmed = st[k].median;
		for (k = 0; k <= MAX_ENGINES; k++) {
			const char *en = k == MAX_ENGINES ? "none" :
					 k < nengines ? engine_name(engines[k]) : "?";
			char ratio[16] = "";

			if (!st[k].ok)
				continue;
			if (k < nengines && engines[k] == UFFD_ENGINE_EMULATED && kmed > 0)
				snprintf(ratio, sizeof(ratio), "%.2fx", st[k].median / kmed);
			if (json) {
				fprintf(f, "%s  {\"scenario\": \"%s/%s\", \"engine\": \"%s\", "
					"\"ns_per_fault_median\": %.0f, \"p90\": %.0f, "
					"\"p99\": %.0f, \"faults_per_sec\": %.0f, "
					"\"threads\": %d, \"handlers\": %d, \"batch\": %d, "
					"\"pages\": %zu, \"faults\": %zu, \"unit\": \"%s\", "
					"\"reps\": %d}",
					first ? "" : ",\n", sc->name, sc->variant, en,
					st[k].median, st[k].p90, st[k].p99, st[k].per_sec,
					sc->params.threads, sc->params.handlers,
					sc->params.batch, acc[s][k].pages, st[k].faults,
					sc->unit, acc[s][k].runs);
				first = false;
			} else {
				fprintf(f, "%-20s %-12s %-9s %8zu %10.2f %10.2f %10.2f %12.0f %9s\n",
					sc->name, sc->variant, en, st[k].faults,
					st[k].median / 1e3, st[k].p90 / 1e3, st[k].p99 / 1e3,
					st[k].per_sec, ratio);
			}
		}
	}
	if (json)
		fprintf(f, "\n]\n");
}

int bench_main(int argc, char **argv)
{
	int engines[MAX_ENGINES], nengines = 0, reps = 3, i, rep;
	const char *only = NULL, *want = "kernel,emulated", *json_file = NULL;
	bool json = false, full = false;
	struct acc (*acc)[MAX_ENGINES + 1];
	size_t s;

	if (argc > 1 && !strcmp(argv[1], "pager")) {
		if (!bench_pager_main) {
			fprintf(stderr, "uffd bench: pager benchmarks not built\n");
			return 2;
		}
		return bench_pager_main(argc - 1, argv + 1);
	}
	if (argc > 1 && !strcmp(argv[1], "preload")) {
		if (!bench_preload_main) {
			fprintf(stderr, "uffd bench: preload benchmark not built\n");
			return 2;
		}
		return bench_preload_main(argc - 1, argv + 1);
	}
	if (argc > 1 && !strcmp(argv[1], "xproc")) {
		if (!bench_xproc_main) {
			fprintf(stderr, "uffd bench: cross-process benchmark not built\n");
			return 2;
		}
		return bench_xproc_main(argc - 1, argv + 1);
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--json-file") && i + 1 < argc)
			json_file = argv[++i];
		else if (!strcmp(argv[i], "--full"))
			full = true;
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--engines") && i + 1 < argc)
			want = argv[++i];
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (reps < 1)
		reps = 1;
	for (i = UFFD_ENGINE_KERNEL; i <= UFFD_ENGINE_EMULATED; i++) {
		int fd;

		if (!strstr(want, engine_name(i)))
			continue;
		fd = uffd_open_engine(O_CLOEXEC, i);
		if (fd < 0) {
			fprintf(stderr, "bench: %s engine unavailable: %s\n",
				engine_name(i), uffd_diagnostic());
			continue;
		}
		close(fd);
		engines[nengines++] = i;
	}
	acc = calloc(bench_nscenarios, sizeof(*acc));
	if (!acc)
		return 1;
	if (!json)
		host_line(stdout, reps);

	for (rep = 0; rep < reps; rep++) {
		for (s = 0; s < bench_nscenarios; s++) {
			const struct scenario *sc = &bench_scenarios[s];
			struct bench_params p = sc->params;
			char full_name[96];
			int k;

			snprintf(full_name, sizeof(full_name), "%s/%s", sc->name, sc->variant);
			if (only && !strstr(full_name, only))
				continue;
			if (full && !strcmp(sc->name, "missing-copy"))
				p.pages = 65536;
			if (sc->no_uffd) {
				struct sample out = { 0 };

				if (sc->fn(-1, &p, &out) == 0)
					acc_add(&acc[s][MAX_ENGINES], &out);
				continue;
			}
			for (k = 0; k < nengines; k++) {
				int e = (rep & 1) ? nengines - 1 - k : k;
				struct sample out = { 0 };

				if (sc->fn(engines[e], &p, &out) == 0)
					acc_add(&acc[s][e], &out);
				else
					free(out.lat_ns);
			}
			if (!json) {
				fprintf(stderr, "\r  rep %d/%d  %-28s", rep + 1, reps, full_name);
				fflush(stderr);
			}
		}
	}
	if (!json)
		fprintf(stderr, "\r%60s\r", "");

	if (json_file) {
		FILE *jf = fopen(json_file, "w");

		if (!jf) {
			fprintf(stderr, "uffd bench: %s: %s\n", json_file, strerror(errno));
		} else {
			print_results(jf, true, acc, engines, nengines);
			if (fclose(jf))
				fprintf(stderr, "uffd bench: %s: %s\n", json_file, strerror(errno));
		}
	}
	print_results(stdout, json, acc, engines, nengines);
	for (s = 0; s < bench_nscenarios; s++)
		for (i = 0; i <= MAX_ENGINES; i++)
			free(acc[s][i].lat);
	free(acc);
	return 0;
}

/* The `uffd bench` command. */
int cmd_bench(int argc, char **argv);
int cmd_bench(int argc, char **argv)
{
	return bench_main(argc, argv);
}
