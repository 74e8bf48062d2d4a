/* SPDX-License-Identifier: MIT */
/*
 * `uffd bench preload [--json] [--reps N] [--iters N] [--loop PATH]
 *                     [--preload PATH] [--max-overhead PCT]`
 *
 * What the preload shim costs a program that never uses userfaultfd.
 * Runs bench/raw_syscall_loop (a tight read()/ioctl() loop built without
 * libuffd) natively and with LD_PRELOAD=libuffd-preload.so, interleaved
 * (the order alternating between repetitions), N repetitions each, and
 * prints the median ns per call of each loop and the shim/native ratio.
 * With --max-overhead PCT the exit status is 1 when the mixed loop is more
 * than PCT percent slower with the shim.
 *
 * Each run times its loops in the thread's CPU time, in 25 batches, and
 * reports the fastest batch (--stat best, the default: the estimator least
 * disturbed by other work on the machine) and the median batch (--stat
 * median); the table gives the median of that figure over the runs.
 *
 * The loop program and the shim are found next to the uffd binary
 * (<build>/bench/raw_syscall_loop, <build>/libuffd-preload.so), or in
 * ../lib for the shim; --loop, --preload and $UFFD_PRELOAD_PATH override.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "bench.h"
#include "cli.h"

extern char **environ;

#define NMETRICS 3
static const char *const metric_name[NMETRICS] = { "read", "ioctl", "mixed" };
/* Each run reports the fastest of its batches and the median batch. */
static const char *const key_best[NMETRICS] = {
	"read_best_ns=", "ioctl_best_ns=", "mixed_best_ns=",
};
static const char *const key_median[NMETRICS] = { "read_ns=", "ioctl_ns=", "mixed_ns=" };
static const char *const *metric_key = key_best;
static const char *const metric_what[NMETRICS] = {
	"read(/dev/zero, 8 bytes)", "ioctl(pipe, FIONREAD)", "read + ioctl",
};

static int bench_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

static const char *find_file(char *buf, size_t len, const char *dir,
			     const char *const *rel, int mode)
{
	for (; *rel; rel++)
		if ((size_t)snprintf(buf, len, "%s/%s", dir, *rel) < len &&
		    access(buf, mode) == 0)
			return buf;
	return NULL;
}

/* environ without LD_PRELOAD, plus @preload when not NULL. */
static char **child_env(const char *preload)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (n = 0; environ[n]; n++)
		if (strncmp(environ[n], "LD_PRELOAD=", 11))
			env[k++] = environ[n];
	if (preload) {
		env[k] = malloc(strlen(preload) + 12);
		if (!env[k])
			return NULL;
		sprintf(env[k], "LD_PRELOAD=%s", preload);
		k++;
	}
	env[k] = NULL;
	return env;
}

/* One run of the loop program; its three numbers into @v.  0 on success. */
static int run_loop(const char *loop, const char *iters, char **env,
		    double v[NMETRICS])
{
	char out[512];
	size_t len = 0;
	int p[2], st, i;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *argv[] = { (char *)loop, (char *)iters, NULL };

		dup2(p[1], 1);
		execve(loop, argv, env);
		fprintf(stderr, "uffd bench preload: %s: %s\n", loop, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], out + len, sizeof(out) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(out) - 1)
			break;
	}
	out[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	for (i = 0; i < NMETRICS; i++) {
		const char *s = strstr(out, metric_key[i]);

		if (!s)
			return -1;
		v[i] = strtod(s + strlen(metric_key[i]), NULL);
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: uffd bench preload [--json] [--reps N] [--iters N] [--loop PATH]\n"
		"                          [--preload PATH] [--stat best|median]\n"
		"                          [--max-overhead PCT]\n"
		"  --reps N           runs of each variant, interleaved (default 15)\n"
		"  --iters N          calls per loop and run (default 200000)\n"
		"  --loop PATH        the loop program (default <dir of uffd>/bench/raw_syscall_loop)\n"
		"  --preload PATH     the shim (default $UFFD_PRELOAD_PATH, or next to uffd)\n"
		"  --stat best|median per run, the fastest (default) or the median batch\n"
		"  --max-overhead PCT exit status 1 if the mixed loop is more than PCT%% slower\n");
}

int bench_preload_main(int argc, char **argv);
int bench_preload_main(int argc, char **argv)
{
	static const char *const loop_rel[] = { "bench/raw_syscall_loop", NULL };
	static const char *const pre_rel[] = { "libuffd-preload.so",
					       "../lib/libuffd-preload.so", NULL };
	char dir[PATH_MAX - 64], loopbuf[PATH_MAX], prebuf[PATH_MAX];
	const char *loop = NULL, *pre = NULL, *iters = "200000";
	double *vals[2][NMETRICS], med[2][NMETRICS], max_over = -1;
	char **env[2];
	bool json = false;
	int reps = 15, rep, i, k, rc = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		long v = 0;

		if (!strcmp(a, "--json")) {
			json = true;
			continue;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--reps") && strcmp(a, "--iters") &&
			   strcmp(a, "--loop") && strcmp(a, "--preload") &&
			   strcmp(a, "--stat") && strcmp(a, "--max-overhead")) {
			return cli_getopt_error("bench preload", '?', argv, i + 1);
		}
		if (i + 1 >= argc)
			return cli_getopt_error("bench preload", ':', argv, i + 1);
		if (!strcmp(a, "--reps"))
			v = reps = (int)cli_number("bench preload", a, argv[++i], 1, 1000000);
		else if (!strcmp(a, "--iters"))
			v = cli_number("bench preload", a, iters = argv[++i], 1, 1L << 40);
		else if (!strcmp(a, "--loop"))
			loop = argv[++i];
		else if (!strcmp(a, "--preload"))
			pre = argv[++i];
		else if (!strcmp(a, "--stat")) {
			a = argv[++i];
			if (strcmp(a, "best") && strcmp(a, "median"))
				return cli_usage_error("bench preload", "--stat is best or "
						       "median, not '%s'", a);
			metric_key = !strcmp(a, "best") ? key_best : key_median;
		} else {
			char *end;

			max_over = strtod(argv[++i], &end);
			if (end == argv[i] || *end || max_over < 0)
				return cli_usage_error("bench preload", "--max-overhead wants "
						       "a percentage, not '%s'", argv[i]);
		}
		if (v < 0)
			return EXIT_USAGE;
	}
	if (bench_dir(dir, sizeof(dir))) {
		fprintf(stderr, "uffd bench preload: cannot read /proc/self/exe\n");
		return 1;
	}
	if (!pre) {
		const char *e = getenv("UFFD_PRELOAD_PATH");

		pre = e && *e ? e : find_file(prebuf, sizeof(prebuf), dir, pre_rel, R_OK);
	}
	if (!loop)
		loop = find_file(loopbuf, sizeof(loopbuf), dir, loop_rel, X_OK);
	if (!pre || !loop) {
		fprintf(stderr, "uffd bench preload: cannot find %s (use %s)\n",
			!pre ? "libuffd-preload.so" : "bench/raw_syscall_loop",
			!pre ? "--preload" : "--loop");
		return 1;
	}
	env[0] = child_env(NULL);
	env[1] = child_env(pre);
	for (k = 0; k < 2; k++)
		for (i = 0; i < NMETRICS; i++)
			vals[k][i] = calloc((size_t)reps, sizeof(double));
	if (!env[0] || !env[1] || !vals[1][NMETRICS - 1])
		return 1;

	for (rep = 0; rep < reps; rep++) {
		for (k = 0; k < 2; k++) {
			int which = (rep & 1) ? 1 - k : k;	/* alternate the order */
			double v[NMETRICS];

			if (run_loop(loop, iters, env[which], v)) {
				fprintf(stderr, "uffd bench preload: %s run %d of %s failed\n",
					which ? "preloaded" : "native", rep + 1, loop);
				return 1;
			}
			for (i = 0; i < NMETRICS; i++)
				vals[which][i][rep] = v[i];
		}
		if (!json)
			bench_progress(rep, reps, NULL);
	}
	if (!json)
		bench_progress_end();
	for (k = 0; k < 2; k++)
		for (i = 0; i < NMETRICS; i++)
			med[k][i] = median(vals[k][i], reps);

	if (json) {
		printf("[\n");
		for (i = 0; i < NMETRICS; i++)
			printf("  {\"scenario\": \"preload/%s\", \"call\": \"%s\", "
			       "\"native_ns_median\": %.2f, \"preload_ns_median\": %.2f, "
			       "\"ratio\": %.4f, \"overhead_pct\": %.2f, \"iterations\": %s, "
			       "\"reps\": %d, \"per_run\": \"%s batch\"}%s\n", metric_name[i],
			       metric_what[i], med[0][i], med[1][i], med[1][i] / med[0][i],
			       (med[1][i] / med[0][i] - 1) * 100, iters, reps,
			       metric_key == key_best ? "fastest" : "median",
			       i + 1 < NMETRICS ? "," : "");
		printf("]\n");
	} else {
		struct utsname u;

		uname(&u);
		printf("host: Linux %s %s, %ld CPUs; %d repetitions, interleaved, "
		       "%s calls per loop\n", u.release, u.machine,
		       sysconf(_SC_NPROCESSORS_ONLN), reps, iters);
		printf("loop: %s\nshim: %s\n", loop, pre);
		printf("ns per call, thread CPU time: per run the %s of 25 batches, "
		       "then the median over runs\n",
		       metric_key == key_best ? "fastest" : "median");
		printf("%-6s %-26s %12s %12s %8s %9s\n", "loop", "call", "native ns",
		       "preload ns", "ratio", "overhead");
		for (i = 0; i < NMETRICS; i++)
			printf("%-6s %-26s %12.2f %12.2f %8.4f %+8.2f%%\n", metric_name[i],
			       metric_what[i], med[0][i], med[1][i], med[1][i] / med[0][i],
			       (med[1][i] / med[0][i] - 1) * 100);
	}
	if (max_over >= 0 &&
	    (med[1][NMETRICS - 1] / med[0][NMETRICS - 1] - 1) * 100 > max_over) {
		fprintf(stderr, "uffd bench preload: mixed loop %.2f%% slower with the "
			"shim (limit %.2f%%)\n",
			(med[1][NMETRICS - 1] / med[0][NMETRICS - 1] - 1) * 100, max_over);
		rc = 1;
	}
	for (k = 0; k < 2; k++)
		for (i = 0; i < NMETRICS; i++)
			free(vals[k][i]);
	for (i = 0; env[1][i]; i++)
		if (!strncmp(env[1][i], "LD_PRELOAD=", 11))
			free(env[1][i]);	/* the one string of ours */
	free(env[0]);
	free(env[1]);
	return rc;
}
