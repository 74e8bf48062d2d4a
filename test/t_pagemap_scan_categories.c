/* SPDX-License-Identifier: MIT */
/*
 * PAGEMAP_SCAN's categories of registered pages: a write-protected present
 * page is not PAGE_IS_WRITTEN, an unprotected one is; a write-protect
 * marker is PAGE_IS_SWAPPED only; a poisoned page PAGE_IS_SWAPPED and
 * PAGE_IS_WRITTEN; a missing page (beside a filled one) PAGE_IS_WRITTEN
 * only -- never PAGE_IS_GUARD, the emulated engine's means; a guard region
 * of the program's own is PAGE_IS_GUARD.  PAGE_IS_WPALLOWED marks the
 * pages of a WP registration whose uffd has UFFD_FEATURE_WP_ASYNC, and
 * only those.  Read and ioctl agree (the kernel selftests' check).
 */
#include "pagemap_util.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

static void wp_pages(bool shared, bool async)
{
	uint64_t feat = UFFD_FEATURE_WP_UNPOPULATED | (async ? UFFD_FEATURE_WP_ASYNC : 0);
	int fd = t_open_api(O_CLOEXEC | O_NONBLOCK, feat), pm = pm_open();
	char *p = shared ? pm_map_shmem(4) : t_map(4);
	uint64_t file = shared ? PAGE_IS_FILE : 0, wa = async ? PAGE_IS_WPALLOWED : 0;

	p[0] = 1;
	p[2 * t_page] = 1;
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_WP);
	CHECK_HEX(pm_cats(pm, p), wa | PAGE_IS_PRESENT | PAGE_IS_WRITTEN | file);
	pm_wp(fd, p, 2, 1);
	CHECK_HEX(pm_cats(pm, p), wa | PAGE_IS_PRESENT | file);
	CHECK_HEX(pm_cats(pm, p + t_page), wa | PAGE_IS_SWAPPED);
	CHECK_HEX(pm_cats(pm, p + 2 * t_page), wa | PAGE_IS_PRESENT | PAGE_IS_WRITTEN | file);
	pm_wp(fd, p, 2, 0);
	CHECK_HEX(pm_cats(pm, p), wa | PAGE_IS_PRESENT | PAGE_IS_WRITTEN | file);
	CHECK_HEX(pm_cats(pm, p + t_page), wa | PAGE_IS_WRITTEN);
	close(fd);
	CHECK_HEX(pm_cats(pm, p), PAGE_IS_PRESENT | PAGE_IS_WRITTEN | file);
	close(pm);
	munmap(p, 4 * (size_t)t_page);
}

static void missing_pages(bool shared)
{
	int fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_POISON), pm = pm_open();
	char *p = shared ? pm_map_shmem(4) : t_map(4);
	uint64_t file = shared ? PAGE_IS_FILE : 0;
	struct uffdio_poison po = { { 0, (uint64_t)t_page }, 0, 0 };

	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_EQ(t_copy_byte(fd, p, 3, 0), 0);
	po.range.start = (uintptr_t)p + 2 * (uintptr_t)t_page;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &po));
	CHECK_HEX(pm_cats(pm, p), PAGE_IS_PRESENT | PAGE_IS_WRITTEN | file);
	CHECK_HEX(pm_cats(pm, p + t_page), PAGE_IS_WRITTEN);
	CHECK_HEX(pm_cats(pm, p + 2 * t_page), PAGE_IS_SWAPPED | PAGE_IS_WRITTEN);
	close(fd);
	close(pm);
	munmap(p, 4 * (size_t)t_page);
}

int main(void)
{
	char *g;
	int pm;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED |
		  UFFD_FEATURE_POISON);
	pm = pm_open();
	pm_require_scan(pm);
	wp_pages(false, false);
	wp_pages(true, false);
	if (t_features() & UFFD_FEATURE_WP_ASYNC) {
		wp_pages(false, true);
		wp_pages(true, true);
	}
	missing_pages(false);
	missing_pages(true);

	g = t_map(2);
	g[t_page] = 1;
	if (madvise(g, (size_t)t_page, MADV_GUARD_INSTALL))
		t_skip("MADV_GUARD_INSTALL: %s", t_errname(errno));
	CHECK_HEX(pm_cats(pm, g), PAGE_IS_GUARD | PAGE_IS_SWAPPED | PAGE_IS_WRITTEN);
	close(pm);
	return 0;
}
