/* SPDX-License-Identifier: MIT */
/*
 * lazy_fill - fill a large region lazily through a userfaultfd, on every
 * engine this host has, and compare them.  This is `make demo`.
 *
 *	lazy_fill [-m MiB] [-e kernel|emulated]
 *
 * For each engine: create a uffd, register an anonymous region for missing
 * pages, and start a handler thread that answers each fault with
 * UFFDIO_COPY of a page whose contents are a function of the page index.
 * The "application" (the main thread) then touches every page in order --
 * each touch is one fault served by the handler -- and finally checks every
 * word of every page.  Exit status 1 if any page is wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include "uffd.h"

/*
 * 64 MiB: 16384 faults.  A fault costs 40-110 us on a 2-CPU VM (the two
 * cross-CPU wake-ups dominate, on both engines), so 1-2 s per engine.
 */
#define DEFAULT_MIB 64

struct run {
	int uffd;
	int stop;		/* eventfd: tells the handler to return */
	char *base;
	size_t len;
	size_t page;
	unsigned long faults;	/* messages served with COPY */
	unsigned long spurious;	/* COPY said EEXIST: woken instead */
	int error;		/* errno of a failed ioctl, 0 if none */
	const char *failed;	/* what failed */
};

struct result {
	const char *engine;
	unsigned long faults;
	size_t bytes;
	double seconds;
	int ok;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The contents of word @i of page @index: splitmix64 of both. */
static uint64_t pattern(uint64_t index, uint64_t i)
{
	uint64_t z = (index << 32 | i) + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill_page(uint64_t *words, size_t page, uint64_t index)
{
	size_t i;

	for (i = 0; i < page / sizeof(*words); i++)
		words[i] = pattern(index, i);
}

/* Serve one fault: COPY the page in; EEXIST means already there, so WAKE. */
static int serve(struct run *r, const struct uffd_msg *m, uint64_t *buf)
{
	uint64_t addr = m->arg.pagefault.address & ~(uint64_t)(r->page - 1);
	uint64_t index = (addr - (uintptr_t)r->base) / r->page;
	struct uffdio_copy copy;
	struct uffdio_range wake;

	fill_page(buf, r->page, index);
	for (;;) {
		memset(&copy, 0, sizeof(copy));
		copy.dst = addr;
		copy.src = (uintptr_t)buf;
		copy.len = r->page;
		if (uffd_ioctl(r->uffd, UFFDIO_COPY, &copy) == 0) {
			r->faults++;
			return 0;
		}
		if (errno == EAGAIN)	/* the mapping was changing: retry */
			continue;
		if (errno != EEXIST) {
			r->failed = "UFFDIO_COPY";
			return -1;
		}
		r->spurious++;
		wake.start = addr;
		wake.len = r->page;
		if (uffd_ioctl(r->uffd, UFFDIO_WAKE, &wake) < 0) {
			r->failed = "UFFDIO_WAKE";
			return -1;
		}
		return 0;
	}
}

static void *handler(void *arg)
{
	struct run *r = arg;
	struct pollfd pfd[2] = {
		{ .fd = r->uffd, .events = POLLIN },
		{ .fd = r->stop, .events = POLLIN },
	};
	struct uffd_msg msgs[16];
	uint64_t *buf;
	ssize_t n, i;

	buf = aligned_alloc(r->page, r->page);
	if (!buf) {
		r->error = ENOMEM;
		r->failed = "aligned_alloc";
		return NULL;
	}
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			r->failed = "poll";
			break;
		}
		if (pfd[1].revents)
			break;
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			errno = EIO;
			r->failed = "poll (uffd error)";
			break;
		}
		n = read(r->uffd, msgs, sizeof(msgs));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			r->failed = "read";
			break;
		}
		for (i = 0; i < n / (ssize_t)sizeof(msgs[0]); i++) {
			if (msgs[i].event != UFFD_EVENT_PAGEFAULT)
				continue;
			if (serve(r, &msgs[i], buf) < 0)
				goto out;
		}
	}
out:
	if (r->failed && !r->error)
		r->error = errno;
	free(buf);
	return NULL;
}

/* Every word of every page; prints the first bad one.  1 when all good. */
static int verify(const struct run *r)
{
	size_t npages = r->len / r->page, words = r->page / sizeof(uint64_t);
	size_t p, i;

	for (p = 0; p < npages; p++) {
		const uint64_t *w = (const uint64_t *)(r->base + p * r->page);

		for (i = 0; i < words; i++) {
			if (w[i] == pattern(p, i))
				continue;
			printf("  page %zu word %zu: %#" PRIx64 ", expected %#" PRIx64 "\n",
			       p, i, w[i], pattern(p, i));
			return 0;
		}
	}
	return 1;
}

/* Run the demo on one engine; 0 done (see res->ok), 1 unavailable, -1 error. */
static int run_engine(enum uffd_engine_kind kind, const char *name,
		      size_t len, struct result *res)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct uffdio_range range;
	struct run r;
	pthread_t thread;
	volatile char *p;
	uint64_t one = 1;
	double t0, t1;
	size_t off;
	int err;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	res->engine = name;
	r.page = (size_t)sysconf(_SC_PAGESIZE);
	r.len = len;
	r.stop = -1;

	r.uffd = uffd_open_engine(O_CLOEXEC | O_NONBLOCK, kind);
	if (r.uffd < 0) {
		printf("%s: not available, skipped\n  %s\n", name,
		       uffd_diagnostic());
		return 1;
	}
	if (uffd_ioctl(r.uffd, UFFDIO_API, &api) < 0) {
		printf("%s: UFFDIO_API: %s\n", name, strerror(errno));
		close(r.uffd);
		return -1;
	}
	r.base = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r.base == MAP_FAILED) {
		printf("%s: mmap %zu MiB: %s\n", name, len >> 20, strerror(errno));
		close(r.uffd);
		return -1;
	}
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)r.base;
	reg.range.len = len;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	errno = 0;
	if (uffd_ioctl(r.uffd, UFFDIO_REGISTER, &reg) < 0 ||
	    !(reg.ioctls & ((__u64)1 << _UFFDIO_COPY))) {
		printf("%s: UFFDIO_REGISTER: %s\n", name,
		       errno ? strerror(errno) : "no UFFDIO_COPY");
		goto fail;
	}
	r.stop = eventfd(0, EFD_CLOEXEC);
	if (r.stop < 0) {
		printf("%s: eventfd: %s\n", name, strerror(errno));
		goto fail;
	}
	err = pthread_create(&thread, NULL, handler, &r);
	if (err) {
		printf("%s: pthread_create: %s\n", name, strerror(err));
		goto fail;
	}

	/* The application: one read per page, in order; each one faults. */
	t0 = now();
	for (off = 0; off < len; off += r.page) {
		p = r.base + off;
		(void)*p;
	}
	t1 = now();

	if (write(r.stop, &one, sizeof(one)) != sizeof(one))
		abort();
	pthread_join(thread, NULL);
	if (r.failed) {
		printf("%s: handler: %s: %s\n", name, r.failed, strerror(r.error));
		goto fail;
	}

	res->faults = r.faults;
	res->bytes = len;
	res->seconds = t1 - t0;
	res->ok = verify(&r);

	printf("engine %s\n", uffd_engine(r.uffd));
	printf("  faults served   %lu", r.faults);
	if (r.spurious)
		printf(" (+%lu spurious, answered with UFFDIO_WAKE)", r.spurious);
	printf("\n");
	printf("  bytes           %zu MiB\n", len >> 20);
	printf("  elapsed         %.3f s\n", res->seconds);
	if (r.faults) {
		printf("  faults/s        %.0f\n", (double)r.faults / res->seconds);
		printf("  per fault       %.1f us\n",
		       res->seconds * 1e6 / (double)r.faults);
	}
	printf("  verification    %s\n", res->ok ? "OK" : "FAILED");

	range.start = (uintptr_t)r.base;
	range.len = len;
	uffd_ioctl(r.uffd, UFFDIO_UNREGISTER, &range);
	munmap(r.base, len);
	close(r.stop);
	close(r.uffd);
	return 0;
fail:
	munmap(r.base, len);
	if (r.stop >= 0)
		close(r.stop);
	close(r.uffd);
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: lazy_fill [-m MiB] [-e kernel|emulated]\n"
		"  -m MiB   size of the region (default %d)\n"
		"  -e NAME  only this engine (default: every engine available)\n",
		DEFAULT_MIB);
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
	struct result res[2];
	const char *only = NULL;
	unsigned long mib = DEFAULT_MIB;
	int i, c, n = 0, failed = 0;
	char *end;

	while ((c = getopt(argc, argv, "m:e:h")) != -1) {
		switch (c) {
		case 'm':
			errno = 0;
			mib = strtoul(optarg, &end, 10);
			if (errno || *end || !mib || mib > (1UL << 20)) {
				fprintf(stderr, "lazy_fill: bad size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'e':
			only = optarg;
			if (strcmp(only, "kernel") && strcmp(only, "emulated")) {
				fprintf(stderr, "lazy_fill: engine must be kernel or emulated\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}

	printf("lazy_fill: %lu MiB region, %lu page faults per engine, each served "
	       "with UFFDIO_COPY by a handler thread\n\n", mib,
	       (mib << 20) / (unsigned long)sysconf(_SC_PAGESIZE));
	for (i = 0; i < 2; i++) {
		int r;

		if (only && strcmp(only, engines[i].name))
			continue;
		r = run_engine(engines[i].kind, engines[i].name, mib << 20, &res[n]);
		if (r < 0)
			failed = 1;
		if (r == 0) {
			if (!res[n].ok)
				failed = 1;
			n++;
		}
		printf("\n");
	}

	if (n == 2 && res[0].faults && res[1].faults) {
		double a = res[0].seconds * 1e6 / (double)res[0].faults;
		double b = res[1].seconds * 1e6 / (double)res[1].faults;

		printf("comparison: %s %.1f us/fault, %s %.1f us/fault: "
		       "%s is %.2fx %s\n", res[0].engine, a, res[1].engine, b,
		       res[1].engine, b > a ? b / a : a / b,
		       b > a ? "slower" : "faster");
	} else if (n == 1) {
		printf("comparison: only the %s engine ran\n", res[0].engine);
	} else if (n == 0) {
		printf("no engine could run\n");
		failed = 1;
	}
	return failed ? 1 : 0;
}
