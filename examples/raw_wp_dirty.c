/* SPDX-License-Identifier: MIT */
/*
 * raw_wp_dirty - dirty-page tracking with userfaultfd write-protection,
 * written against <linux/userfaultfd.h> and the C library only.
 *
 *	raw_wp_dirty
 *
 * The pattern of live migration and incremental snapshots: populate a
 * region, register it in WP mode, write-protect it, let the program run,
 * and learn which pages it wrote.  A tracker thread reads the
 * write-protect faults, records the page as dirty and removes the
 * protection (which wakes the writer); reads never fault.  Each round
 * re-protects the whole region, so a page is reported once per round
 * however often it is written.
 *
 * Output: the dirty pages of each round and the number of faults, which
 * must equal the number of distinct pages written.
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

#define NPAGES 16

static long page_size;
static char *region;
static int uffd, stopfd;
static _Atomic int dirty[NPAGES];
static _Atomic unsigned long faults, bad_flags;

static void die(const char *what)
{
	fprintf(stderr, "raw_wp_dirty: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void protect(int on)
{
	struct uffdio_writeprotect wp;

	memset(&wp, 0, sizeof(wp));
	wp.range.start = (uintptr_t)region;
	wp.range.len = NPAGES * (uint64_t)page_size;
	wp.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0;
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) < 0)
		die("UFFDIO_WRITEPROTECT");
}

static void *tracker(void *arg)
{
	struct pollfd pfd[2] = {
		{ .fd = uffd, .events = POLLIN },
		{ .fd = stopfd, .events = POLLIN },
	};

	(void)arg;
	for (;;) {
		struct uffd_msg msg;
		struct uffdio_writeprotect wp;
		uint64_t page;
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[1].revents & POLLIN)
			break;
		n = read(uffd, &msg, sizeof(msg));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n != (ssize_t)sizeof(msg))
			die("read(userfaultfd)");
		if (msg.event != UFFD_EVENT_PAGEFAULT) {
			fprintf(stderr, "raw_wp_dirty: unexpected event %#x\n", msg.event);
			exit(1);
		}
		if ((msg.arg.pagefault.flags &
		     (UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE)) !=
		    (UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE))
			bad_flags++;
		page = (msg.arg.pagefault.address - (uintptr_t)region) /
		       (uint64_t)page_size;
		if (page < NPAGES)
			dirty[page] = 1;
		faults++;

		/* Unprotect the page: the writer is woken and its store lands. */
		memset(&wp, 0, sizeof(wp));
		wp.range.start = (uintptr_t)region + page * (uint64_t)page_size;
		wp.range.len = (uint64_t)page_size;
		wp.mode = 0;
		if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) < 0)
			die("UFFDIO_WRITEPROTECT(unprotect)");
	}
	return NULL;
}

/* Run one round: protect everything, do @writes, report the dirty pages. */
static int round_of(int round, const int *writes, int nwrites)
{
	unsigned long before = faults;
	char line[256];
	int i, len = 0, ndirty = 0;
	volatile unsigned sum = 0;

	for (i = 0; i < NPAGES; i++)
		dirty[i] = 0;
	protect(1);
	/* Reads of protected pages never fault. */
	for (i = 0; i < NPAGES; i++)
		sum += (unsigned char)region[i * page_size + 7];
	for (i = 0; i < nwrites; i++) {
		char *p = region + (size_t)writes[i] * (size_t)page_size;

		p[8 + round] = (char)('a' + round);
	}
	for (i = 0; i < NPAGES; i++) {
		if (!dirty[i])
			continue;
		ndirty++;
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %d", i);
	}
	printf("round %d: wrote %d times, dirty pages:%s (%lu faults)\n", round,
	       nwrites, ndirty ? line : " none", faults - before);
	return ndirty;
}

int main(void)
{
	static const int w1[] = { 1, 3, 4, 10, 3, 3 };
	static const int w2[] = { 0, 15 };
	static const int w3[] = { 7, 7, 7, 7 };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	pthread_t thread;
	uint64_t one = 1;
	int i, ok = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		die("UFFDIO_API");
	if (!(api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP)) {
		fprintf(stderr, "raw_wp_dirty: no write-protect support here\n");
		return 1;
	}
	stopfd = eventfd(0, EFD_CLOEXEC);
	if (stopfd < 0)
		die("eventfd");

	/* Populate first: write-protection applies to present pages. */
	region = mmap(NULL, NPAGES * (size_t)page_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		die("mmap");
	for (i = 0; i < NPAGES; i++)
		memset(region + (size_t)i * (size_t)page_size, '0' + i % 10,
		       (size_t)page_size);

	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)region;
	reg.range.len = NPAGES * (uint64_t)page_size;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		die("UFFDIO_REGISTER(WP)");
	printf("tracking %d populated pages\n", NPAGES);

	errno = pthread_create(&thread, NULL, tracker, NULL);
	if (errno)
		die("pthread_create");

	ok &= round_of(1, w1, (int)(sizeof(w1) / sizeof(w1[0]))) == 4;
	ok &= round_of(2, w2, (int)(sizeof(w2) / sizeof(w2[0]))) == 2;
	ok &= round_of(3, w3, (int)(sizeof(w3) / sizeof(w3[0]))) == 1;
	ok &= round_of(4, NULL, 0) == 0;

	if (write(stopfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		die("write(eventfd)");
	pthread_join(thread, NULL);

	/* The writes landed, and nothing else changed. */
	for (i = 0; i < NPAGES; i++) {
		const char *p = region + (size_t)i * (size_t)page_size;
		char base = (char)('0' + i % 10);
		int k;

		for (k = 0; k < page_size; k++) {
			char want = base;

			if ((k == 9 && (i == 1 || i == 3 || i == 4 || i == 10)) ||
			    (k == 10 && (i == 0 || i == 15)) || (k == 11 && i == 7))
				want = (char)('a' + k - 8);
			if (p[k] != want) {
				fprintf(stderr, "raw_wp_dirty: page %d byte %d is '%c', "
					"expected '%c'\n", i, k, p[k], want);
				ok = 0;
				break;
			}
		}
	}
	if (bad_flags) {
		fprintf(stderr, "raw_wp_dirty: %lu fault(s) without WP|WRITE flags\n",
			(unsigned long)bad_flags);
		ok = 0;
	}
	if (close(uffd) < 0)
		die("close");
	if (!ok)
		return 1;
	printf("raw_wp_dirty: ok\n");
	return 0;
}
