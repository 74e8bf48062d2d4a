/* SPDX-License-Identifier: MIT */
/*
 * /proc/self/pagemap bit 57 (UFFD_PM_UFFD_WP) on present pages: set by
 * UFFDIO_WRITEPROTECT, cleared by un-protecting and by closing the uffd,
 * on anonymous and shared (memfd) memory.  A registered page that was never
 * populated shows nothing without UFFD_FEATURE_WP_UNPOPULATED (anonymous);
 * shmem always gets a marker (bit 57, read as a swap entry).  No bit of the
 * engine's own means (bit 58, guard region) shows.
 */
#include "pagemap_util.h"

static void one(bool shared)
{
	int fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0), pm = pm_open();
	char *p = shared ? pm_map_shmem(4) : t_map(4);
	uint64_t file = shared ? UFFD_PM_FILE : 0;

	p[0] = 1;
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_WP);
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_PRESENT | file);
	CHECK_HEX(pm_flags(pm, p + t_page), 0);

	pm_wp(fd, p, 4, 1);
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_PRESENT | file | UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_flags(pm, p + t_page), shared ? UFFD_PM_SWAP | UFFD_PM_UFFD_WP : 0);
	CHECK_EQ(p[0], 1);	/* reads proceed */
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_PRESENT | file | UFFD_PM_UFFD_WP);

	pm_wp(fd, p, 4, 0);
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_PRESENT | file);
	CHECK_HEX(pm_flags(pm, p + t_page), 0);

	pm_wp(fd, p, 1, 1);
	close(fd);		/* the registration and its protection go */
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_PRESENT | file);
	p[0] = 2;
	close(pm);
	munmap(p, 4 * (size_t)t_page);
}

int main(void)
{
	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	one(false);
	one(true);
	return 0;
}
