/* SPDX-License-Identifier: MIT */
/*
 * raw_threads - several faulting threads, several handler threads, one
 * userfaultfd; written against <linux/userfaultfd.h> and the C library
 * only (no libuffd).
 *
 *	raw_threads [FAULTERS [HANDLERS [PAGES_PER_FAULTER]]]
 *
 * The userfaultfd comes from /dev/userfaultfd (USERFAULTFD_IOC_NEW), or
 * from userfaultfd(2) when the device cannot be opened.  FAULTERS threads
 * (default 4) touch a shared region of FAULTERS * PAGES_PER_FAULTER pages
 * (default 16 each), interleaved so that they fault side by side: thread t
 * owns pages t, t + FAULTERS, t + 2 * FAULTERS...  Half of its touches are
 * reads, half writes.  HANDLER threads (default 3) all poll() the same
 * non-blocking descriptor; whichever reads a message resolves it with
 * UFFDIO_COPY (a page that says its own number) and, when another handler
 * won the race (EEXIST), with UFFDIO_WAKE.  An eventfd tells the handlers
 * to stop.
 *
 * Which handler serves which fault varies from run to run; the output
 * does not: it reports per-thread verification and the number of pages
 * installed, which is exactly one per page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define MAX_THREADS 32

static long page_size;
static char *region;
static size_t npages;
static int nfaulters, nhandlers;
static size_t per_faulter;
static int uffd, stopfd;
static _Atomic unsigned long copies;	/* successful UFFDIO_COPYs */
static _Atomic unsigned long wakes;	/* EEXIST answered with a wake */

static void die(const char *what)
{
	fprintf(stderr, "raw_threads: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* /dev/userfaultfd first (Linux 6.1+), then the system call. */
static int open_uffd(int flags)
{
	int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	int fd;

	if (dev >= 0) {
		fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
		close(dev);
		if (fd >= 0)
			return fd;
	}
	return (int)syscall(SYS_userfaultfd, flags);
}

static uint64_t word_of(size_t page, size_t k)
{
	return ((uint64_t)page << 32) | (uint64_t)k;
}

static void *handler(void *arg)
{
	char *src = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct pollfd pfd[2] = {
		{ .fd = uffd, .events = POLLIN },
		{ .fd = stopfd, .events = POLLIN },
	};

	(void)arg;
	if (src == MAP_FAILED)
		die("mmap");
	for (;;) {
		struct uffd_msg msg;
		struct uffdio_copy copy;
		uint64_t *w = (uint64_t *)src;
		size_t idx, k;
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[1].revents & POLLIN)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		n = read(uffd, &msg, sizeof(msg));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;		/* another handler took it */
		if (n != (ssize_t)sizeof(msg))
			die("read(userfaultfd)");
		if (msg.event != UFFD_EVENT_PAGEFAULT) {
			fprintf(stderr, "raw_threads: unexpected event %#x\n", msg.event);
			exit(1);
		}
		idx = (size_t)((msg.arg.pagefault.address - (uintptr_t)region) /
			       (uint64_t)page_size);
		for (k = 0; k < (size_t)page_size / sizeof(*w); k++)
			w[k] = word_of(idx, k);
		memset(&copy, 0, sizeof(copy));
		copy.dst = (uintptr_t)region + idx * (size_t)page_size;
		copy.src = (uintptr_t)src;
		copy.len = (uint64_t)page_size;
		if (ioctl(uffd, UFFDIO_COPY, &copy) == 0) {
			copies++;
		} else if (errno == EEXIST) {
			struct uffdio_range r = { copy.dst, copy.len };

			wakes++;
			if (ioctl(uffd, UFFDIO_WAKE, &r) < 0)
				die("UFFDIO_WAKE");
		} else {
			die("UFFDIO_COPY");
		}
	}
	munmap(src, (size_t)page_size);
	return NULL;
}

struct faulter {
	pthread_t thread;
	int id;
	size_t ok;		/* pages whose every word was right */
	size_t wrote;		/* pages it wrote to */
};

static void *faulter(void *arg)
{
	struct faulter *f = arg;
	size_t j, k;

	/* First touch every page (faults), then check every word. */
	for (j = 0; j < per_faulter; j++) {
		size_t page = (size_t)f->id + j * (size_t)nfaulters;
		volatile uint64_t *w = (volatile uint64_t *)(region + page * (size_t)page_size);

		if (j & 1) {
			w[1] = word_of(page, 1);	/* a write fault, same value */
			f->wrote++;
		} else {
			(void)w[0];			/* a read fault */
		}
	}
	for (j = 0; j < per_faulter; j++) {
		size_t page = (size_t)f->id + j * (size_t)nfaulters;
		uint64_t *w = (uint64_t *)(region + page * (size_t)page_size);
		int good = 1;

		for (k = 0; k < (size_t)page_size / sizeof(*w); k++)
			good &= w[k] == word_of(page, k);
		f->ok += (size_t)good;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct faulter f[MAX_THREADS];
	pthread_t h[MAX_THREADS];
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	uint64_t one = 1;
	size_t total_ok = 0;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	nfaulters = argc > 1 ? atoi(argv[1]) : 4;
	nhandlers = argc > 2 ? atoi(argv[2]) : 3;
	per_faulter = argc > 3 ? strtoul(argv[3], NULL, 0) : 16;
	if (nfaulters < 1 || nfaulters > MAX_THREADS || nhandlers < 1 ||
	    nhandlers > MAX_THREADS || per_faulter < 1 || per_faulter > 4096) {
		fprintf(stderr, "usage: raw_threads [FAULTERS [HANDLERS [PAGES]]]\n");
		return 2;
	}
	npages = (size_t)nfaulters * per_faulter;

	uffd = open_uffd(O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		die("UFFDIO_API");
	stopfd = eventfd(0, EFD_CLOEXEC);
	if (stopfd < 0)
		die("eventfd");

	region = mmap(NULL, npages * (size_t)page_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		die("mmap");
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)region;
	reg.range.len = npages * (uint64_t)page_size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		die("UFFDIO_REGISTER");
	printf("%d faulting threads x %zu pages, %d handler threads\n",
	       nfaulters, per_faulter, nhandlers);

	for (i = 0; i < nhandlers; i++) {
		errno = pthread_create(&h[i], NULL, handler, NULL);
		if (errno)
			die("pthread_create");
	}
	for (i = 0; i < nfaulters; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].id = i;
		errno = pthread_create(&f[i].thread, NULL, faulter, &f[i]);
		if (errno)
			die("pthread_create");
	}
	for (i = 0; i < nfaulters; i++) {
		pthread_join(f[i].thread, NULL);
		printf("faulter %d: %zu/%zu pages correct (%zu written)\n", i,
		       f[i].ok, per_faulter, f[i].wrote);
		total_ok += f[i].ok;
	}

	/* Stop the handlers. */
	if (write(stopfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		die("write(eventfd)");
	for (i = 0; i < nhandlers; i++)
		pthread_join(h[i], NULL);

	printf("pages installed by UFFDIO_COPY: %lu of %zu\n",
	       (unsigned long)copies, npages);
	if (close(uffd) < 0)
		die("close");
	if (total_ok != npages || copies != npages) {
		fprintf(stderr, "raw_threads: FAILED (%lu duplicate messages woken)\n",
			(unsigned long)wakes);
		return 1;
	}
	printf("raw_threads: ok\n");
	return 0;
}
