/* SPDX-License-Identifier: MIT */
/*
 * UFFD_FEATURE_WP_ASYNC: writes to write-protected pages are resolved by
 * the engine at once, without a message -- on a protected present page and
 * on a WP_UNPOPULATED marker (WP_ASYNC implies it), even with
 * UFFD_FEATURE_SIGBUS -- and each write clears the page's bit 57; a read
 * through a marker maps a page that stays protected; MISSING faults of a
 * MISSING|WP registration still queue messages.  UFFDIO_API reports the
 * feature.
 */
#include "pagemap_util.h"

static void async_writes(uint64_t extra, bool shared)
{
	int fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_ASYNC | extra);
	int pm = pm_open();
	char *p = shared ? pm_map_shmem(4) : t_map(4);
	struct uffd_msg m;

	p[0] = 1;
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_WP);
	pm_wp(fd, p, 4, 1);
	CHECK_HEX(pm_flags(pm, p) & UFFD_PM_UFFD_WP, UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_flags(pm, p + t_page), UFFD_PM_SWAP | UFFD_PM_UFFD_WP);
	p[0] = 2;			/* a protected present page */
	p[t_page] = 3;			/* a marker */
	CHECK_EQ(*(volatile char *)(p + 2 * t_page), 0);	/* read through a marker */
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[0], 2);
	CHECK_EQ(p[t_page], 3);
	CHECK_HEX(pm_flags(pm, p) & (UFFD_PM_PRESENT | UFFD_PM_UFFD_WP), UFFD_PM_PRESENT);
	CHECK_HEX(pm_flags(pm, p + t_page) & (UFFD_PM_PRESENT | UFFD_PM_UFFD_WP), UFFD_PM_PRESENT);
	CHECK_HEX(pm_flags(pm, p + 2 * t_page) & (UFFD_PM_PRESENT | UFFD_PM_UFFD_WP),
		  UFFD_PM_PRESENT | UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_flags(pm, p + 3 * t_page), UFFD_PM_SWAP | UFFD_PM_UFFD_WP);
	p[2 * t_page] = 4;
	CHECK_HEX(pm_flags(pm, p + 2 * t_page) & UFFD_PM_UFFD_WP, 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	close(pm);
	munmap(p, 4 * (size_t)t_page);
}

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
	struct uffd_msg m;
	struct t_toucher t;
	int fd;
	char *p;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_ASYNC);
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK(api.features & UFFD_FEATURE_WP_ASYNC);
	CHECK(api.features & UFFD_FEATURE_WP_UNPOPULATED);
	close(fd);

	async_writes(0, false);
	async_writes(0, true);
	async_writes(UFFD_FEATURE_SIGBUS, false);

	/* MISSING|WP: a missing page is still a MISSING message. */
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_ASYNC);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	pm_wp(fd, p, 2, 1);
	t_touch_start(&t, p + 5, 1, 9);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_EQ(t_copy_byte(fd, p, 1, 0), 0);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[5], 9);
	close(fd);
	return 0;
}
