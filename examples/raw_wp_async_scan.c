/* SPDX-License-Identifier: MIT */
/*
 * raw_wp_async_scan - dirty-page tracking without a handler thread:
 * UFFD_FEATURE_WP_ASYNC and the PAGEMAP_SCAN ioctl of /proc/self/pagemap
 * (Linux 6.7), written against the kernel's headers and the C library only.
 *
 *	raw_wp_async_scan
 *
 * The pattern of Wine's write watches and CRIU's incremental dumps:
 * register a region in WP mode on a uffd with WP_ASYNC and write-protect
 * it; the kernel then resolves every write itself (no message, no thread)
 * and the written pages lose their protection -- bit 57 of their pagemap
 * entry goes, PAGEMAP_SCAN reports them PAGE_IS_WRITTEN.  Each round asks
 * for the written pages and, in the same call (PM_SCAN_WP_MATCHING),
 * protects them again.  A write by a system call (read() into the region)
 * counts the same.
 *
 * Output: per round, the written regions and the bit 57 of two pages, the
 * same natively and under `uffd run` on either engine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/* The uAPI of Linux 6.7+, for older installed headers. */
#ifndef PAGEMAP_SCAN
#define PAGE_IS_WRITTEN		(1 << 1)
#define PM_SCAN_WP_MATCHING	(1 << 0)
#define PM_SCAN_CHECK_WPASYNC	(1 << 1)
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN		_IOWR('f', 16, struct pm_scan_arg)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC	(1 << 15)
#endif

#define NPAGES	16
#define PM_UFFD_WP (1ULL << 57)

static long page_size;
static char *region;
static int pagemap;

static void die(const char *what)
{
	fprintf(stderr, "raw_wp_async_scan: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int bit57(int page)
{
	uint64_t e;
	off_t off = (off_t)((uintptr_t)(region + page * page_size) / page_size * 8);

	if (pread(pagemap, &e, sizeof(e), off) != sizeof(e))
		die("pread pagemap");
	return !!(e & PM_UFFD_WP);
}

/* The pages written since the last round, protected again; printed. */
static void round_(const char *name)
{
	struct page_region r[NPAGES];
	struct pm_scan_arg a;
	int before = bit57(3);
	long n, i;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC;
	a.start = (uintptr_t)region;
	a.end = (uintptr_t)(region + NPAGES * page_size);
	a.vec = (uintptr_t)r;
	a.vec_len = NPAGES;
	a.category_mask = PAGE_IS_WRITTEN;
	a.return_mask = PAGE_IS_WRITTEN;
	n = ioctl(pagemap, PAGEMAP_SCAN, &a);
	if (n < 0)
		die("PAGEMAP_SCAN");
	printf("%s: %ld region%s", name, n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		printf(" [%ld, %ld)", (long)((char *)(uintptr_t)r[i].start - region) / page_size,
		       (long)((char *)(uintptr_t)r[i].end - region) / page_size);
	printf("; page 3 bit 57: %d before, %d after\n", before, bit57(3));
}

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	struct uffdio_register reg;
	struct uffdio_writeprotect wp;
	int uffd, i, pfd[2];

	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		die("UFFDIO_API (WP_ASYNC needs Linux 6.7)");
	pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap < 0)
		die("open /proc/self/pagemap");
	region = mmap(NULL, NPAGES * page_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		die("mmap");
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)region;
	reg.range.len = NPAGES * page_size;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		die("UFFDIO_REGISTER");
	memset(&wp, 0, sizeof(wp));
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) < 0)
		die("UFFDIO_WRITEPROTECT");

	round_("protected");
	for (i = 3; i < 6; i++)
		region[i * page_size] = 1;
	region[9 * page_size + 100] = 1;
	round_("wrote 3-5 and 9");
	round_("again, nothing written");
	region[9 * page_size] = 2;
	region[15 * page_size] = 2;
	round_("wrote 9 and 15");
	/* A system call writes too: read() from a pipe into page 12. */
	if (pipe(pfd) || write(pfd[1], "written by read()", 8) != 8 ||
	    read(pfd[0], region + 12 * page_size, 8) != 8)
		die("read() into a protected page");
	round_("read() into 12");
	if (region[9 * page_size + 100] != 1 || region[9 * page_size] != 2)
		die("contents");
	printf("raw_wp_async_scan: ok\n");
	return 0;
}
