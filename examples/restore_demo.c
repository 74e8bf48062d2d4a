/* SPDX-License-Identifier: MIT */
/*
 * restore_demo - the pager's showcase (`make demo`): a 1 GiB memory image
 * restored lazily, from a file and from a local page server, on every
 * engine this host has, against the usual way: reading the whole image
 * before the application may run.
 *
 *	restore_demo [-m MiB] [-e kernel|emulated] [-s file|server] [-k]
 *
 * The "process image" is a heap of -m MiB (default 1024): three pages in
 * four hold data, one in four is empty (a zero page, stored as a hole).
 * The "application" restored from it answers a query that reads 256
 * records scattered over the heap; its first result is what a user waits
 * for.  Then the whole image is brought in by the prefetcher and every
 * word of every page is checked.  The image lives in a scratch directory
 * under $TMPDIR (or /tmp) and is removed at the end (-k keeps it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "uffd.h"
#include "uffd_pager.h"

#define QUERY_PAGES 256

static size_t page_size;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Word @i of page @p of the heap; one page in four is empty. */
static bool empty(uint64_t p)
{
	return p % 4 == 3;
}

static uint64_t word(uint64_t p, uint64_t i)
{
	uint64_t z = (p << 32 | i) + 0x9e3779b97f4a7c15ULL;

	if (empty(p))
		return 0;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void progress(const char *what, uint64_t done, uint64_t total)
{
	int i, bar = (int)(done * 30 / (total ? total : 1));

	if (!isatty(2))
		return;
	fprintf(stderr, "\r  %-24s [", what);
	for (i = 0; i < 30; i++)
		fputc(i < bar ? '#' : ' ', stderr);
	fprintf(stderr, "] %3d%%", (int)(done * 100 / (total ? total : 1)));
	if (done == total)
		fprintf(stderr, "\r%70s\r", "");
	fflush(stderr);
}

static int make_image(const char *path, size_t npages)
{
	size_t chunk = 1024, i, j, w;
	uint64_t *buf = malloc(chunk * page_size);
	struct uffd_image_writer *iw;

	if (!buf)
		return -1;
	iw = uffd_image_create(path, npages, 0, "restore_demo heap");
	if (!iw) {
		free(buf);
		return -1;
	}
	for (i = 0; i < npages; i += chunk) {
		size_t n = npages - i < chunk ? npages - i : chunk;

		for (j = 0; j < n; j++)
			for (w = 0; w < page_size / 8; w++)
				buf[j * page_size / 8 + w] = word(i + j, w);
		if (uffd_image_write(iw, i, buf, n)) {
			uffd_image_abort(iw);
			free(buf);
			return -1;
		}
		progress("making the image", i + n, npages);
	}
	free(buf);
	return uffd_image_finish(iw);
}

/* The application's query: 256 records on pages spread over the heap. */
static uint64_t query(const char *heap, size_t npages)
{
	uint64_t sum = 0, x = 12345;
	int k;

	for (k = 0; k < QUERY_PAGES; k++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		sum += *(volatile const uint64_t *)(heap +
			(x >> 20) % npages * page_size + (x & 63) * 8);
	}
	return sum;
}

/* Every word of every page; the first bad page, or -1. */
static long verify(const char *heap, size_t npages)
{
	size_t p, i;

	for (p = 0; p < npages; p++) {
		const uint64_t *w = (const uint64_t *)(heap + p * page_size);

		for (i = 0; i < page_size / 8; i++)
			if (w[i] != word(p, i))
				return (long)p;
	}
	return -1;
}

struct result {
	const char *how, *engine;
	double first, full;
	struct uffd_pager_stats st;
	bool ok;
};

/* The usual way: read (and check) the whole image, then run. */
static int read_all(const char *img, size_t npages, struct result *r)
{
	struct uffd_store *s = uffd_store_file_open(img, 0);
	uint8_t *kind = malloc(1024);
	size_t i, chunk = 1024;
	double t0;
	char *heap;

	if (!s || !kind) {
		fprintf(stderr, "restore_demo: %s\n", uffd_pager_diagnostic());
		return -1;
	}
	heap = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (heap == MAP_FAILED)
		return -1;
	t0 = now();
	for (i = 0; i < npages; i += chunk) {
		size_t n = npages - i < chunk ? npages - i : chunk;

		if (uffd_store_read(s, i, n, heap + i * page_size, kind)) {
			fprintf(stderr, "restore_demo: %s\n", uffd_pager_diagnostic());
			return -1;
		}
		progress("reading the whole image", i + n, npages);
	}
	r->full = now() - t0;
	query(heap, npages);
	r->first = now() - t0;
	r->ok = verify(heap, npages) < 0;
	r->how = "read all, then run";
	r->engine = "-";
	munmap(heap, npages * page_size);
	uffd_store_close(s);
	free(kind);
	return 0;
}

/* Lazily: the application runs at once, pages come as it needs them. */
static int lazy(struct uffd_store *s, enum uffd_engine_kind kind,
		const char *how, size_t npages, struct result *r)
{
	struct uffd_pager_config cfg = { .engine = kind };
	struct uffd_pager *p;
	double t0;
	char *heap;

	t0 = now();
	p = uffd_pager_new(s, &cfg);
	if (!p) {
		fprintf(stderr, "restore_demo: %s\n", uffd_pager_diagnostic());
		return -1;
	}
	heap = uffd_pager_map(p, 0, npages, NULL);
	if (!heap) {
		fprintf(stderr, "restore_demo: %s\n", uffd_pager_diagnostic());
		uffd_pager_close(p);
		return -1;
	}
	query(heap, npages);
	r->first = now() - t0;
	for (;;) {
		struct uffd_pager_stats st;
		int rc = uffd_pager_wait(p, 100), e = errno;

		uffd_pager_stats(p, -1, &st);
		progress("restoring in background", st.present, st.pages);
		if (rc == 0)
			break;
		if (e != ETIMEDOUT) {
			fprintf(stderr, "restore_demo: %s\n", uffd_pager_diagnostic());
			break;
		}
	}
	r->full = now() - t0;
	uffd_pager_stats(p, -1, &r->st);
	r->how = how;
	r->engine = uffd_pager_engine(p);
	r->ok = verify(heap, npages) < 0 && r->st.present == npages;
	uffd_pager_close(p);
	munmap(heap, npages * page_size);
	return 0;
}

/* A page server in a child process; its pid, @addr its address. */
static pid_t start_server(const char *img, char *addr, size_t size)
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
		close(pfd[0]);
		s = uffd_server_start("127.0.0.1:0", img);
		a = s ? uffd_server_address(s) : "";
		if (!s)
			fprintf(stderr, "restore_demo: server: %s\n",
				uffd_pager_diagnostic());
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

static void print_result(const struct result *r)
{
	printf("  %-24s %-9s %10.1f ms %10.1f ms", r->how, r->engine,
	       r->first * 1e3, r->full * 1e3);
	if (r->st.pages)
		printf(" %8" PRIu64 " %10" PRIu64 " %8" PRIu64, r->st.demand_pages,
		       r->st.prefetch_pages, r->st.zero_pages);
	else
		printf(" %8s %10s %8s", "-", "-", "-");
	printf("  %s\n", r->ok ? "OK" : "FAILED");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: restore_demo [-m MiB] [-e kernel|emulated] "
		"[-s file|server] [-k]\n"
		"  -m MiB   size of the memory image (default 1024)\n"
		"  -e NAME  only this engine (default: every engine available)\n"
		"  -s NAME  only this store (default: file and server)\n"
		"  -k       keep the image (its path is printed)\n");
}

int main(int argc, char **argv)
{
	static const struct {
		enum uffd_engine_kind kind;
		const char *name;
	} engines[] = {
		{ UFFD_ENGINE_KERNEL, "kernel" },
		{ UFFD_ENGINE_EMULATED, "emulated" },
	};
	struct result res[8] = { 0 };
	const char *only_e = NULL, *only_s = NULL, *tmp;
	unsigned long mib = 1024;
	char dir[256], img[300], addr[128];
	int c, i, n = 0, failed = 0, keep = 0;
	size_t npages;
	pid_t server = -1;
	struct stat sb;
	double t;

	while ((c = getopt(argc, argv, "m:e:s:kh")) != -1) {
		switch (c) {
		case 'm':
			mib = strtoul(optarg, NULL, 10);
			if (!mib || mib > (1UL << 20)) {
				fprintf(stderr, "restore_demo: bad size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'e':
			only_e = optarg;
			break;
		case 's':
			only_s = optarg;
			break;
		case 'k':
			keep = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	npages = (mib << 20) / page_size;
	signal(SIGPIPE, SIG_IGN);
	tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(dir, sizeof(dir), "%s/uffd-restore-demo.XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		fprintf(stderr, "restore_demo: mkdtemp %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(img, sizeof(img), "%s/heap.img", dir);

	printf("restore_demo: a %lu MiB process heap saved as an image, then "
	       "restored lazily\n(the application runs at once; pages come on "
	       "demand and by prefetch) versus read whole first\n\n", mib);
	t = now();
	if (make_image(img, npages)) {
		fprintf(stderr, "restore_demo: %s\n", uffd_pager_diagnostic());
		rmdir(dir);
		return 1;
	}
	stat(img, &sb);
	printf("image   %s: %zu pages, %zu zero pages (no data), %lld MiB on "
	       "disk, made in %.2f s\n", img, npages, npages / 4,
	       (long long)sb.st_blocks * 512 / 1048576, now() - t);

	if (read_all(img, npages, &res[n]) == 0) {
		failed |= !res[n].ok;
		n++;
	} else {
		failed = 1;
	}
	if (!only_s || !strcmp(only_s, "server")) {
		server = start_server(img, addr, sizeof(addr));
		if (server < 0) {
			fprintf(stderr, "restore_demo: cannot start the page server\n");
			failed = 1;
		} else {
			printf("server  `uffd serve`-style page server on %s (pid %d)\n",
			       addr, (int)server);
		}
	}
	printf("\n");
	for (i = 0; i < 2; i++) {
		int fd;

		if (only_e && strcmp(only_e, engines[i].name))
			continue;
		fd = uffd_open_engine(O_CLOEXEC, engines[i].kind);
		if (fd < 0) {
			printf("%s engine: not available, skipped (%s)\n",
			       engines[i].name, uffd_diagnostic());
			continue;
		}
		close(fd);
		if (!only_s || !strcmp(only_s, "file")) {
			struct uffd_store *s = uffd_store_file_open(img, UFFD_STORE_MMAP);

			if (!s || lazy(s, engines[i].kind, "lazy from the file",
				       npages, &res[n])) {
				failed = 1;
			} else {
				failed |= !res[n].ok;
				n++;
			}
		}
		if (server > 0) {
			struct uffd_store *s = uffd_store_tcp_open(addr, 0, 5000);

			if (!s || lazy(s, engines[i].kind, "lazy from page server",
				       npages, &res[n])) {
				if (!s)
					fprintf(stderr, "restore_demo: %s\n",
						uffd_pager_diagnostic());
				failed = 1;
			} else {
				failed |= !res[n].ok;
				n++;
			}
		}
	}
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}

	printf("  %-24s %-9s %13s %13s %8s %10s %8s  %s\n", "restore", "engine",
	       "first result", "all present", "demand", "prefetched", "zero",
	       "every word");
	for (i = 0; i < n; i++)
		print_result(&res[i]);
	if (n > 1 && res[0].first > 0) {
		double best = res[1].first;

		for (i = 2; i < n; i++)
			if (res[i].first < best)
				best = res[i].first;
		printf("\ntime to first result: %.1f ms reading the whole image "
		       "first, %.1f ms lazily (%.0fx sooner)\n", res[0].first * 1e3,
		       best * 1e3, res[0].first / best);
		printf("demand = pages the application faulted on; prefetched = "
		       "pages fetched before it asked;\nzero = pages resolved with "
		       "UFFDIO_ZEROPAGE (nothing read or copied)\n");
	}
	if (keep) {
		printf("image kept: %s\n", img);
	} else {
		unlink(img);
		rmdir(dir);
	}
	return failed;
}
