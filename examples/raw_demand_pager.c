/* SPDX-License-Identifier: MIT */
/*
 * raw_demand_pager - a demand pager written against <linux/userfaultfd.h>
 * and the C library only (no libuffd).
 *
 *	raw_demand_pager [PAGES]
 *
 * The main thread maps PAGES (default 8) anonymous pages and registers
 * them with a userfaultfd for missing-page faults.  A handler thread waits
 * for fault messages with poll() and read() and answers each one with
 * UFFDIO_COPY of a page whose bytes say which page it is.  The main thread
 * then walks the pages in a fixed order -- reads, writes and repeated
 * touches -- and prints what it sees.  Every line is deterministic: page
 * numbers, never addresses or timings.
 *
 * Run it natively for the kernel's userfaultfd, or under `uffd run` to get
 * libuffd's engines without recompiling.  Exit status 0 on success, 1 on
 * any failure (with a message on stderr).
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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static long page_size;
static char *region;
static size_t npages;
static int uffd;
static char *staging;		/* the handler's source page for UFFDIO_COPY */

static void die(const char *what)
{
	fprintf(stderr, "raw_demand_pager: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* What page @i holds once it has been served: its letter, then its number. */
static void fill_page(char *dst, size_t i)
{
	memset(dst, 'A' + (int)(i % 26), (size_t)page_size);
	snprintf(dst, 32, "page-%zu", i);
}

static const char *kind(uint64_t flags)
{
	if (flags & UFFD_PAGEFAULT_FLAG_WP)
		return "write-protect";
	return (flags & UFFD_PAGEFAULT_FLAG_WRITE) ? "write" : "read";
}

static void *handler(void *arg)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	unsigned long served = 0;

	(void)arg;
	for (;;) {
		struct uffd_msg msg;
		struct uffdio_copy copy;
		size_t idx;
		ssize_t n;
		int r = poll(&pfd, 1, -1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll");
		if (pfd.revents & (POLLERR | POLLHUP))
			break;			/* descriptor closed under us */
		n = read(uffd, &msg, sizeof(msg));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n != (ssize_t)sizeof(msg))
			die("read(userfaultfd)");
		if (msg.event != UFFD_EVENT_PAGEFAULT) {
			fprintf(stderr, "raw_demand_pager: unexpected event %#x\n",
				msg.event);
			exit(1);
		}
		idx = (size_t)((msg.arg.pagefault.address - (uintptr_t)region) /
			       (uint64_t)page_size);
		printf("  handler: %s fault on page %zu\n",
		       kind(msg.arg.pagefault.flags), idx);
		fflush(stdout);

		fill_page(staging, idx);
		memset(&copy, 0, sizeof(copy));
		copy.dst = (uintptr_t)region + idx * (size_t)page_size;
		copy.src = (uintptr_t)staging;
		copy.len = (uint64_t)page_size;
		if (ioctl(uffd, UFFDIO_COPY, &copy) == 0) {
			served++;
		} else if (errno == EEXIST) {
			/* Already served (a repeated message): just wake. */
			struct uffdio_range wake = { copy.dst, copy.len };

			if (ioctl(uffd, UFFDIO_WAKE, &wake) < 0)
				die("UFFDIO_WAKE");
		} else {
			die("UFFDIO_COPY");
		}
		if (served == npages)
			break;			/* every page present: done */
	}
	return (void *)served;
}

int main(int argc, char **argv)
{
	/* Page, access: 'r' read, 'w' write.  Some pages twice, one never. */
	static const struct { size_t page; char how; } walk[] = {
		{ 0, 'r' }, { 3, 'w' }, { 1, 'r' }, { 0, 'r' }, { 3, 'r' },
		{ 2, 'w' }, { 2, 'w' }, { 5, 'r' }, { 4, 'w' }, { 6, 'r' },
	};
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	pthread_t thread;
	void *served;
	size_t i, untouched;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	npages = argc > 1 ? strtoul(argv[1], NULL, 0) : 8;
	if (npages < 8 || npages > 4096) {
		fprintf(stderr, "usage: raw_demand_pager [PAGES (8..4096)]\n");
		return 2;
	}

	/* The userfaultfd, as the man page creates it. */
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		die("UFFDIO_API");

	region = mmap(NULL, npages * (size_t)page_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	staging = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED || staging == MAP_FAILED)
		die("mmap");

	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)region;
	reg.range.len = npages * (uint64_t)page_size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		die("UFFDIO_REGISTER");
	if (!(reg.ioctls & ((uint64_t)1 << _UFFDIO_COPY))) {
		fprintf(stderr, "raw_demand_pager: UFFDIO_COPY not offered\n");
		return 1;
	}
	printf("registered %zu pages for missing-page faults\n", npages);

	errno = pthread_create(&thread, NULL, handler, NULL);
	if (errno)
		die("pthread_create");

	for (i = 0; i < sizeof(walk) / sizeof(walk[0]); i++) {
		char *p = region + walk[i].page * (size_t)page_size;

		if (walk[i].how == 'w') {
			printf("write page %zu\n", walk[i].page);
			p[100] = '!';
			printf("  page %zu now starts \"%.8s\", byte 100 is '%c'\n",
			       walk[i].page, p, p[100]);
		} else {
			printf("read page %zu\n", walk[i].page);
			printf("  page %zu starts \"%.8s\", last byte '%c'\n",
			       walk[i].page, p, p[page_size - 1]);
		}
	}

	/* Touch the rest so that the handler can see every page once. */
	untouched = 0;
	for (i = 0; i < npages; i++) {
		volatile char *p = region + i * (size_t)page_size;
		size_t k;
		int seen = 0;

		for (k = 0; k < sizeof(walk) / sizeof(walk[0]); k++)
			seen |= walk[k].page == i;
		if (!seen) {
			untouched++;
			if (p[0] != 'p')
				fprintf(stderr, "raw_demand_pager: page %zu wrong\n", i);
		}
	}
	printf("read %zu untouched page(s) in one sweep\n", untouched);

	errno = pthread_join(thread, &served);
	if (errno)
		die("pthread_join");
	printf("handler served %lu faults for %zu pages\n",
	       (unsigned long)(uintptr_t)served, npages);

	/* Every page must hold exactly what the handler put there. */
	for (i = 0; i < npages; i++) {
		char want[32];

		snprintf(want, sizeof(want), "page-%zu", i);
		if (strcmp(region + i * (size_t)page_size, want) ||
		    region[i * (size_t)page_size + (size_t)page_size - 1] !=
		    'A' + (int)(i % 26)) {
			fprintf(stderr, "raw_demand_pager: page %zu has wrong contents\n", i);
			return 1;
		}
	}
	if (close(uffd) < 0)
		die("close");
	printf("raw_demand_pager: ok\n");
	return 0;
}
