/* SPDX-License-Identifier: MIT */
/*
 * What /proc/self/pagemap shows of MISSING-mode registrations: a missing
 * page is an empty entry (the emulated engine's guard marker must not show
 * as bit 58 or as a swap entry), a filled page is present, a poisoned page
 * is a swap entry without the guard bit.  A guard region the program
 * installs itself, outside any registration, shows as the kernel shows it.
 */
#include "pagemap_util.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

static void one(bool shared)
{
	int fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_POISON);
	int pm = pm_open();
	char *p = shared ? pm_map_shmem(4) : t_map(4);
	uint64_t file = shared ? UFFD_PM_FILE : 0;
	struct uffdio_poison po = { { 0, (uint64_t)t_page }, 0, 0 };

	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_HEX(pm_flags(pm, p), 0);
	CHECK_HEX(pm_flags(pm, p + 3 * t_page), 0);
	CHECK_EQ(t_copy_byte(fd, p, 7, 0), 0);
	CHECK_HEX(pm_flags(pm, p), UFFD_PM_PRESENT | file);
	po.range.start = (uintptr_t)p + (uintptr_t)t_page;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &po));
	CHECK_HEX(pm_flags(pm, p + t_page), UFFD_PM_SWAP);
	CHECK_HEX(pm_flags(pm, p + 2 * t_page), 0);
	close(fd);
	CHECK_HEX(pm_flags(pm, p + 2 * t_page), 0);
	close(pm);
	munmap(p, 4 * (size_t)t_page);
}

int main(void)
{
	int pm;
	char *g;

	t_init(30);
	t_require(UFFD_FEATURE_POISON);
	one(false);
	one(true);

	pm = pm_open();
	g = t_map(2);
	if (madvise(g, (size_t)t_page, MADV_GUARD_INSTALL))
		t_skip("MADV_GUARD_INSTALL: %s", t_errname(errno));
	CHECK_HEX(pm_flags(pm, g), UFFD_PM_SWAP | UFFD_PM_GUARD);
	close(pm);
	return 0;
}
