/* SPDX-License-Identifier: MIT */
/*
 * `uffd bench`: each scenario on every available engine in the same run,
 * interleaved, several repetitions; per-fault latency percentiles and
 * throughput, as a table or as JSON.
 */
#ifndef UFFD_BENCH_H
#define UFFD_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "uffd.h"

/* One measured run of a scenario on an engine. */
struct sample {
	uint64_t *lat_ns;	/* per-fault latencies (may be NULL) */
	size_t nlat;
	size_t faults;		/* faults (or operations) in the run */
	size_t pages;		/* pages made present */
	uint64_t wall_ns;	/* wall time of the measured part */
};

struct bench_params {
	size_t pages;		/* region size in pages */
	int threads;		/* faulting threads */
	int handlers;		/* handler threads */
	int batch;		/* pages per resolution */
	bool random;		/* random access order */
	bool pinned;		/* faulter and handler on CPU 0 only */
	bool load;		/* one busy loop per CPU meanwhile (load.c) */
};

/* engine: UFFD_ENGINE_KERNEL or UFFD_ENGINE_EMULATED; -1 = no uffd. */
typedef int (*scenario_fn)(int engine, const struct bench_params *p,
			   struct sample *out);

struct scenario {
	const char *name;	/* e.g. "missing-copy" */
	const char *variant;	/* e.g. "seq", "random", "batch16" */
	scenario_fn fn;
	struct bench_params params;
	bool no_uffd;		/* baseline: runs once, engine "none" */
	const char *unit;	/* what one "fault" is, for the table */
};

extern const struct scenario bench_scenarios[];
extern const size_t bench_nscenarios;

int bench_main(int argc, char **argv);

/* Helpers for scenarios (bench_util.c). */
uint64_t bench_now(void);
void *bench_map(size_t pages);
int bench_uffd(int engine, uint64_t features);
int bench_register(int fd, void *p, size_t pages, uint64_t mode);
void bench_fill_page(void *page, size_t index);
uint64_t *bench_lat_alloc(size_t n);
void bench_shuffle(size_t *v, size_t n, uint64_t seed);
pid_t bench_load_start(void);
/* Baselines of the install's parts, without any engine (mechanisms.c). */
int sc_base_syscall(int engine, const struct bench_params *p, struct sample *out);
int sc_base_guard_remove(int engine, const struct bench_params *p, struct sample *out);
int sc_base_hide_install(int engine, const struct bench_params *p, struct sample *out);
int sc_base_memfd_install(int engine, const struct bench_params *p, struct sample *out);
void bench_load_stop(pid_t pid);
/*
 * "rep N/M  LABEL" on stderr, redrawn in place, when stderr is a terminal
 * (nothing otherwise); bench_progress_end() erases it.
 */
void bench_progress(int rep, int reps, const char *label);
void bench_progress_end(void);

#endif
