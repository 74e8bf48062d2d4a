/* SPDX-License-Identifier: MIT */
/*
 * UFFD_FEATURE_WP_UNPOPULATED markers in /proc/self/pagemap (the kernel
 * selftest "wp-unpopulated"): a never-populated page write-protected reads
 * as a swap entry with bit 57 (UFFD_PM_SWAP | UFFD_PM_UFFD_WP), and nothing else --
 * no guard-region bit; un-protecting leaves nothing; a read through the
 * marker maps a page that stays protected; MADV_DONTNEED drops anonymous
 * protection (marker and present page alike) but leaves shmem's as a
 * marker, which un-protecting clears.
 */
#include "pagemap_util.h"

static void one(bool shared)
{
	int fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_UNPOPULATED);
	int pm = pm_open();
	char *p = shared ? pm_map_shmem(4) : t_map(4);
	uint64_t file = shared ? UFFD_PM_FILE : 0;
	struct uffd_msg m;

	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_WP);
	pm_wp(fd, p, 1, 1);
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_SWAP | UFFD_PM_UFFD_WP);
	pm_wp(fd, p, 1, 0);
	CHECK_HEX(pm_flags(pm, p), 0);

	/* A read through the marker: a page, still protected. */
	pm_wp(fd, p, 1, 1);
	CHECK_EQ(*(volatile char *)p, 0);
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_PRESENT | file | UFFD_PM_UFFD_WP);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* Zapped: anonymous memory forgets, shmem keeps a marker. */
	if (madvise(p, (size_t)t_page, MADV_DONTNEED))
		t_fail(__FILE__, __LINE__, "MADV_DONTNEED: %s", t_errname(errno));
	CHECK_HEX(pm_flags(pm, p), shared ? UFFD_PM_SWAP | UFFD_PM_UFFD_WP : 0);
	p[t_page] = 1;
	pm_wp(fd, p + t_page, 1, 1);
	CHECK_OK(madvise(p + t_page, (size_t)t_page, MADV_DONTNEED));
	CHECK_HEX(pm_flags(pm, p + t_page), shared ? UFFD_PM_SWAP | UFFD_PM_UFFD_WP : 0);
	pm_wp(fd, p, 2, 0);
	CHECK_HEX(pm_flags(pm, p), 0);
	CHECK_HEX(pm_flags(pm, p + t_page), 0);
	p[0] = 2;		/* no fault: nothing protected */
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_PRESENT | file);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	close(fd);
	close(pm);
	munmap(p, 4 * (size_t)t_page);
}

int main(void)
{
	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED);
	one(false);
	one(true);
	return 0;
}
