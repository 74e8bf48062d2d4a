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
#include "cli.h"

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

/* Does any scenario's "name/variant" contain @only? */
static bool any_scenario(const char *only)
{
	char full_name[96];
	size_t s;

	for (s = 0; s < bench_nscenarios; s++) {
		snprintf(full_name, sizeof(full_name), "%s/%s", bench_scenarios[s].name,
			 bench_scenarios[s].variant);
		if (strstr(full_name, only))
			return true;
	}
	return false;
}

int bench_main(int argc, char **argv)
{
	static const char *const engine_names[] = { "kernel", "emulated", NULL };
	int engines[MAX_ENGINES], nengines = 0, reps = 3, i, rep;
	const char *only = NULL, *json_file = NULL;
	long want = 3;		/* bit 0 kernel, bit 1 emulated */
	bool json = false, full = false;
	struct acc (*acc)[MAX_ENGINES + 1];
	FILE *jf = NULL;
	int status = 0;
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
		const char *a = argv[i];
		long v;

		if (!strcmp(a, "--json")) {
			json = true;
			continue;
		} else if (!strcmp(a, "--full")) {
			full = true;
			continue;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--json-file") && strcmp(a, "--reps") &&
			   strcmp(a, "--only") && strcmp(a, "--engines")) {
			return cli_getopt_error("bench", '?', argv, i + 1);
		}
		if (i + 1 >= argc)
			return cli_getopt_error("bench", ':', argv, i + 1);
		v = 0;
		if (!strcmp(a, "--json-file"))
			json_file = argv[++i];
		else if (!strcmp(a, "--only"))
			only = argv[++i];
		else if (!strcmp(a, "--reps"))
			v = reps = (int)cli_number("bench", a, argv[++i], 1, 1000000);
		else
			v = want = cli_list("bench", a, argv[++i], engine_names);
		if (v < 0)
			return EXIT_USAGE;
	}
	if (only && !any_scenario(only)) {
		fprintf(stderr, "uffd bench: no scenario matched --only '%s' (names are "
			"SCENARIO/VARIANT as in the table's first two columns)\n", only);
		return EXIT_USAGE;
	}
	/* A file that cannot be written fails now, not after the run. */
	if (json_file && !(jf = fopen(json_file, "w"))) {
		fprintf(stderr, "uffd bench: --json-file %s: %s\n", json_file,
			strerror(errno));
		return 1;
	}
	for (i = UFFD_ENGINE_KERNEL; i <= UFFD_ENGINE_EMULATED; i++) {
		int fd;

		if (!(want & (1L << (i == UFFD_ENGINE_KERNEL ? 0 : 1))))
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
	if (!nengines) {
		fprintf(stderr, "uffd bench: none of the engines asked for is available\n");
		if (jf)
			fclose(jf);
		return 1;
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
			if (!json)
				bench_progress(rep, reps, full_name);
		}
	}
	if (!json)
		bench_progress_end();

	if (jf) {
		print_results(jf, true, acc, engines, nengines);
		if (fclose(jf)) {
			fprintf(stderr, "uffd bench: %s: %s\n", json_file, strerror(errno));
			status = 1;
		}
	}
	print_results(stdout, json, acc, engines, nengines);
	for (s = 0; s < bench_nscenarios; s++)
		for (i = 0; i <= MAX_ENGINES; i++)
			free(acc[s][i].lat);
	free(acc);
	return status;
}

/* The `uffd bench` command. */
int cmd_bench(int argc, char **argv);
int cmd_bench(int argc, char **argv)
{
	return bench_main(argc, argv);
}
