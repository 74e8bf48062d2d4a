/* SPDX-License-Identifier: MIT */
/*
 * pagemap bit 57 and PAGEMAP_SCAN on hugetlb (2 MiB pages), shared and
 * private (the kernel selftests "wp-fork" on hugetlb look at them): a
 * protected present huge page has bit 57 in the entry of each of its 4 KiB
 * pages and is PAGE_IS_HUGE|PAGE_IS_PRESENT without PAGE_IS_WRITTEN; a
 * never-populated protected one -- and one zapped with MADV_DONTNEED --
 * is the kernel's hugetlb marker: bit 57 alone, PAGE_IS_HUGE|
 * PAGE_IS_SWAPPED; unprotected, an empty huge page is PAGE_IS_HUGE only.
 */
#include "hugetlb_util.h"
#include "pagemap_util.h"

static void one(int fd, int flags)
{
	int mfd = hp_memfd("t_pagemap_hugetlb", 2), pm = pm_open();
	char *p = hp_map(mfd, 2, flags, PROT_READ | PROT_WRITE, 0);
	uint64_t file = (flags & MAP_SHARED) ? UFFD_PM_FILE : 0;
	uint64_t cfile = (flags & MAP_SHARED) ? PAGE_IS_FILE : 0;

	p[0] = 1;
	hp_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	CHECK_OK(hp_wp(fd, p, 2 * HP_SIZE, true));
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_PRESENT | file | UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_flags(pm, p + 5 * t_page), UFFD_PM_PRESENT | file | UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_cats(pm, p), PAGE_IS_HUGE | PAGE_IS_PRESENT | cfile);
	CHECK_HEX(pm_flags(pm, p + HP_SIZE), UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_cats(pm, p + HP_SIZE), PAGE_IS_HUGE | PAGE_IS_SWAPPED);

	CHECK_OK(madvise(p, HP_SIZE, MADV_DONTNEED));
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_cats(pm, p), PAGE_IS_HUGE | PAGE_IS_SWAPPED);

	CHECK_OK(hp_wp(fd, p, 2 * HP_SIZE, false));
	CHECK_HEX(pm_flags(pm, p + HP_SIZE), 0);
	CHECK_HEX(pm_cats(pm, p + HP_SIZE), PAGE_IS_HUGE);
	t_unregister(fd, p, 2 * HP_SIZE / (size_t)t_page);
	munmap(p, 2 * HP_SIZE);
	close(mfd);
	close(pm);
}

int main(void)
{
	int fd = hp_start(HP_WP_FEATURES | UFFD_FEATURE_WP_UNPOPULATED, 4,
			  UFFD_FEATURE_WP_UNPOPULATED);

	pm_require_scan(pm_open());
	one(fd, MAP_SHARED);
	one(fd, MAP_PRIVATE);
	close(fd);
	return 0;
}
