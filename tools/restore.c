/* SPDX-License-Identifier: MIT */
/*
 * `uffd restore`: restore an image lazily into this process and run the
 * demo application on it (tools/demo_heap.h) -- the way CRIU lazy-pages
 * or Firecracker restore a snapshot: the application starts at once,
 * pages arrive on demand and by prefetch.
 *
 * Prints the time to the application's first result, a progress bar while
 * the rest comes in, whether every page is right, and the pager's
 * metrics.  The source is an image file, a page server (`uffd serve`) or
 * Redis (`--redis`).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include "demo_heap.h"
#include "pager_cmds.h"
#include "progress.h"

static struct uffd_pager *the_pager;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The SIGBUS policy's outcome, said in words rather than "Bus error". */
static void on_sigbus(int sig)
{
	static const char a[] = "\nuffd restore: SIGBUS: a page could not be "
				"restored: ";
	static const char b[] = "\n(--on-error zero or --on-error wait choose "
				"another outcome)\n";
	const char *e = the_pager ? uffd_pager_error(the_pager) : NULL;

	(void)sig;
	(void)!write(2, a, sizeof(a) - 1);
	if (e)
		(void)!write(2, e, strlen(e));
	(void)!write(2, b, sizeof(b) - 1);
	_exit(1);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: uffd restore [options] IMAGE|ADDR\n"
		"       uffd restore [options] --redis ADDR [--prefix P]\n"
		"  IMAGE             an image file (uffd snapshot)\n"
		"  ADDR              a page server (uffd serve): HOST:PORT or unix:PATH\n"
		"  --redis ADDR      Redis (HOST:PORT or unix:PATH), keys PREFIX:*\n"
		"  --engine E        auto (default), kernel or emulated\n"
		"  --workers N       demand-fault threads (default 2)\n"
		"  --queues N        userfaultfds to spread the region over (default 1)\n"
		"  --no-prefetch     demand faults only\n"
		"  --readahead N     pages fetched after each fault (default 64)\n"
		"  --batch N         pages per prefetch copy (default 64)\n"
		"  --record PLAN     save the first-touch order (implies --no-prefetch)\n"
		"  --replay PLAN     prefetch in the order of a recorded plan\n"
		"  --on-error E      sigbus (default), zero or wait, once the store has\n"
		"                    failed for --timeout MS (default 2000)\n"
		"  --mmap            copy from a mapping of the image file\n"
		"  --query N         records the application looks up first (256)\n"
		"  --quiet           no metrics\n");
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "redis", required_argument, NULL, 'R' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "engine", required_argument, NULL, 'e' },
		PC_PAGER_OPTIONS,
		{ "queues", required_argument, NULL, 'q' },
		{ "mmap", no_argument, NULL, 'm' },
		{ "query", required_argument, NULL, 'Q' },
		{ "quiet", no_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct uffd_pager_config cfg = { 0 };
	const char *redis = NULL, *prefix = "uffd", *record = NULL, *source;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), npages, i, bad = 0, qbad;
	long v, query = 256;
	int c, mmap_store = 0, quiet = 0, status = 0, demo;
	struct uffd_pager_stats st;
	struct uffd_store *s;
	struct progress prog;
	double t0, t_first;
	char *heap;

	while ((c = getopt_long(argc, argv, ":R:P:e:q:" PC_PAGER_SHORT "mQ:zh", opts,
				NULL)) != -1) {
		int r = pc_pager_option("restore", c, optarg, &cfg, &record);

		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (c) {
		case 'R': redis = optarg; break;
		case 'P': prefix = optarg; break;
		case 'e':
			if (cli_engine("restore", optarg, &cfg.engine))
				return EXIT_USAGE;
			break;
		case 'q':
		case 'Q':
			v = cli_number("restore", c == 'q' ? "--queues" : "--query",
				      optarg, c == 'Q' ? 0 : 1, 4096);
			if (v < 0)
				return EXIT_USAGE;
			if (c == 'q')
				cfg.queues = (unsigned)v;
			else
				query = v;
			break;
		case 'm': mmap_store = 1; break;
		case 'z': quiet = 1; break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return cli_getopt_error("restore", c, argv, optind);
		}
	}
	if (redis ? optind != argc : optind != argc - 1)
		return cli_usage_error("restore", redis ? "--redis takes no IMAGE|ADDR" :
				       "expected one IMAGE or ADDR after the options");
	source = redis ? redis : argv[optind];
	signal(SIGPIPE, SIG_IGN);

	t0 = now();
	if (redis)
		s = uffd_store_redis_open(redis, prefix, cfg.timeout_ms);
	else if (pc_is_address(source))
		s = uffd_store_tcp_open(source, 0, cfg.timeout_ms);
	else
		s = uffd_store_file_open(source, mmap_store ? UFFD_STORE_MMAP : 0);
	if (!s)
		return pc_fail("restore");
	npages = uffd_store_npages(s);
	the_pager = uffd_pager_new(s, &cfg);
	if (!the_pager)
		return pc_fail("restore");
	signal(SIGBUS, on_sigbus);
	heap = uffd_pager_map(the_pager, 0, npages, NULL);
	if (!heap)
		return pc_fail("restore");
	printf("restoring %s (%s store, %s engine): %zu pages, %zu MiB\n", source,
	       uffd_store_name(s), uffd_pager_engine(the_pager), npages,
	       npages * ps >> 20);

	/* The application's first work: its first result is the one that counts. */
	demo = demo_heap_check(heap, 0, ps) == 0;
	qbad = demo ? demo_heap_query(heap, npages, ps, (size_t)query) : 0;
	t_first = now();
	if (demo)
		printf("first result: %ld records looked up in %.1f ms after the "
		       "start (%s)\n", query, (t_first - t0) * 1e3,
		       qbad ? "SOME WRONG" : "all valid");
	else
		printf("not a demo heap: contents restored and checksummed, not "
		       "interpreted\n");

	progress_start(&prog, "restoring", npages * ps);
	if (cfg.flags & UFFD_PAGER_NO_PREFETCH) {
		/* No prefetch: the application reads everything itself. */
		for (i = 0; i < npages; i++) {
			(void)*(volatile char *)(heap + i * ps);
			if (i % 1024 == 0)
				progress_update(&prog, i * ps);
		}
	}
	for (;;) {
		int rc = uffd_pager_wait(the_pager, 100), e = errno;

		uffd_pager_stats(the_pager, -1, &st);
		progress_update(&prog, st.present * ps);
		if (rc == 0)
			break;
		if (e != ETIMEDOUT) {
			status = 1;
			break;
		}
	}
	progress_done(&prog, st.present * ps);
	if (status)
		fprintf(stderr, "uffd restore: %s\n",
			uffd_pager_error(the_pager) ? uffd_pager_error(the_pager) :
			uffd_pager_diagnostic());
	if (demo && !status) {	/* after a give-up, pages would fault again */
		for (i = 0; i < npages; i++)
			bad += demo_heap_check(heap + i * ps, i, ps) != 0;
		printf("every page checked: %s", bad ? "" : "all right\n");
		if (bad)
			printf("%zu of %zu pages WRONG\n", bad, npages);
	}
	if (record) {
		if (uffd_pager_save_plan(the_pager, record))
			status = pc_fail("restore");
		else
			printf("first-touch order saved to %s (use --replay)\n", record);
	}
	if (!quiet)
		uffd_pager_print_stats(the_pager, stdout);
	signal(SIGBUS, SIG_DFL);
	uffd_pager_close(the_pager);
	munmap(heap, npages * ps);
	return status || bad || qbad;
}
