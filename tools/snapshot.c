/* SPDX-License-Identifier: MIT */
/*
 * `uffd snapshot`: save a process's memory as an image.
 *
 *	uffd snapshot [--size MiB] [--seed N] IMAGE
 *		starts a demo process that builds a heap of records
 *		(tools/demo_heap.h) and saves that heap, read from outside
 *		through /proc/PID/mem as a checkpointer does;
 *	uffd snapshot --pid PID --range START-END IMAGE
 *		saves [START, END) of a running process (hex addresses;
 *		needs the right to ptrace it).
 *	--redis ADDR [--prefix P]	also put the image into Redis.
 *
 * Empty pages become zero pages of the image: no data on disk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "demo_heap.h"
#include "pager_cmds.h"
#include "progress.h"

/* The demo process: build the heap, say where it is, wait to be killed. */
static pid_t demo_process(size_t npages, size_t ps, uint64_t seed, uint64_t *addr)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		void *heap;
		uint64_t a = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pfd[0]);
		heap = mmap(NULL, npages * ps, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (heap != MAP_FAILED) {
			demo_heap_fill(heap, npages, ps, seed);
			a = (uintptr_t)heap;
		}
		if (write(pfd[1], &a, sizeof(a)) != sizeof(a))
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], addr, sizeof(*addr)) != sizeof(*addr) || !*addr) {
		if (pid > 0)
			kill(pid, SIGKILL);
		close(pfd[0]);
		return -1;
	}
	close(pfd[0]);
	return pid;
}

/* [start, end) of @pid's memory into a new image at @path. */
static int save(pid_t pid, uint64_t start, uint64_t end, const char *path,
		const char *label)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), chunk = 256;
	uint64_t npages = (end - start) / ps, i;
	struct uffd_image_writer *w;
	struct progress prog;
	char mem[64], *buf;
	int fd;

	snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)pid);
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "uffd snapshot: %s: %s\n", mem, strerror(errno));
		return 1;
	}
	buf = malloc(chunk * ps);
	w = buf ? uffd_image_create(path, npages, start, label) : NULL;
	if (!w) {
		close(fd);
		free(buf);
		return pc_fail("snapshot");
	}
	progress_start(&prog, "saving", npages * ps);
	for (i = 0; i < npages; i += chunk) {
		size_t n = npages - i < chunk ? (size_t)(npages - i) : chunk;
		ssize_t got = pread(fd, buf, n * ps, (off_t)(start + i * ps));

		if (got != (ssize_t)(n * ps)) {
			fprintf(stderr, "\nuffd snapshot: reading pid %d at %#llx: %s\n",
				(int)pid, (unsigned long long)(start + i * ps),
				got < 0 ? strerror(errno) : "short read");
			uffd_image_abort(w);
			close(fd);
			free(buf);
			return 1;
		}
		if (uffd_image_write(w, i, buf, n)) {
			fprintf(stderr, "\n");
			uffd_image_abort(w);
			close(fd);
			free(buf);
			return pc_fail("snapshot");
		}
		progress_update(&prog, (i + n) * ps);
	}
	close(fd);
	free(buf);
	if (uffd_image_finish(w))
		return pc_fail("snapshot");
	progress_done(&prog, npages * ps);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: uffd snapshot [--size MiB] [--seed N] [--redis ADDR "
		"[--prefix P]] IMAGE\n"
		"       uffd snapshot --pid PID --range START-END IMAGE\n"
		"  --size MiB     the demo process's heap (default 256)\n"
		"  --seed N       the demo heap's contents (default 1)\n"
		"  --pid, --range a running process's memory [START, END), hex\n"
		"  --redis ADDR   also import the image into Redis (HOST:PORT or "
		"unix:PATH)\n"
		"  --prefix P     Redis key prefix (default uffd)\n");
}

int cmd_snapshot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "pid", required_argument, NULL, 'p' },
		{ "range", required_argument, NULL, 'r' },
		{ "redis", required_argument, NULL, 'R' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *image, *redis = NULL, *prefix = "uffd", *range = NULL;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	long mib = 256, seed = 1, pid = 0;
	struct uffd_image_info info;
	uint64_t start = 0, end = 0;
	pid_t demo = 0;
	struct stat sb;
	char label[64];
	int c, rc;

	while ((c = getopt_long(argc, argv, ":s:S:p:r:R:P:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if ((mib = cli_number("snapshot", "--size", optarg, 1, 1 << 20)) < 0)
				return EXIT_USAGE;
			break;
		case 'S':
			if ((seed = cli_number("snapshot", "--seed", optarg, 0, 1L << 40)) < 0)
				return EXIT_USAGE;
			break;
		case 'p':
			if ((pid = cli_number("snapshot", "--pid", optarg, 1, 1 << 30)) < 0)
				return EXIT_USAGE;
			break;
		case 'r':
			range = optarg;
			break;
		case 'R':
			redis = optarg;
			break;
		case 'P':
			prefix = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return cli_getopt_error("snapshot", c, argv, optind);
		}
	}
	if (!pid != !range)
		return cli_usage_error("snapshot", "--pid and --range go together");
	if (optind != argc - 1)
		return cli_usage_error("snapshot", "expected one IMAGE after the options");
	image = argv[optind];
	if (range) {
		char *dash;

		start = strtoull(range, &dash, 16);
		end = *dash == '-' ? strtoull(dash + 1, NULL, 16) : 0;
		if (end <= start || start % ps || end % ps) {
			fprintf(stderr, "uffd snapshot: --range wants START-END, "
				"page-aligned hex addresses\n");
			return EXIT_USAGE;
		}
		snprintf(label, sizeof(label), "uffd snapshot of pid %ld", pid);
	} else {
		size_t npages = ((size_t)mib << 20) / ps;

		demo = demo_process(npages, ps, (uint64_t)seed, &start);
		if (demo < 0) {
			fprintf(stderr, "uffd snapshot: cannot start the demo process\n");
			return 1;
		}
		pid = demo;
		end = start + npages * ps;
		snprintf(label, sizeof(label), "%s", DEMO_LABEL);
		printf("demo process %d: a %ld MiB heap of records at %#llx\n",
		       (int)demo, mib, (unsigned long long)start);
	}
	rc = save((pid_t)pid, start, end, image, label);
	if (demo > 0) {
		kill(demo, SIGKILL);
		waitpid(demo, NULL, 0);
	}
	if (rc)
		return rc;
	uffd_image_info(image, &info);
	stat(image, &sb);
	printf("saved %s: %llu pages, %llu with data, %llu zero; %lld MiB on disk\n",
	       image, (unsigned long long)info.npages,
	       (unsigned long long)info.data_pages,
	       (unsigned long long)info.zero_pages,
	       (long long)sb.st_blocks * 512 >> 20);
	if (redis) {
		if (uffd_store_redis_import(redis, prefix, image))
			return pc_fail("snapshot");
		printf("imported into Redis %s under %s:*\n", redis, prefix);
	}
	return 0;
}
