/* SPDX-License-Identifier: MIT */
/*
 * WP-only registration of a shared hugetlb memfd mapping (spec 8; ioctls
 * 0x14c): never-populated pages get a marker when write-protected, as
 * shmem's do.  A read of such a page is served without a message (zeros),
 * a write is a WP|WRITE message (0x3) at the page's start, and removing
 * the protection lets it through; the other mapping sees the byte.  A
 * page populated before is readable while protected, and its write is a
 * WP message too.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *reg, *alias;
	int fd;

	fd = hp_start(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_HUGETLBFS_SHMEM,
		      4, 0);
	reg = hp_shared_pair("t_hugetlb_wp_shared", 2, &alias);
	reg[HP_SIZE + 7] = 0x61;
	CHECK_HEX(hp_register(fd, reg, 2, UFFDIO_REGISTER_MODE_WP), 0x14c);
	CHECK_OK(hp_wp(fd, reg, 2 * HP_SIZE, true));

	t_touch_start(&t, reg + 100, 0, 0);
	hp_touch_end(&t, 0);
	t_touch_start(&t, reg + 200, 1, 0x62);
	hp_expect_fault(fd, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE, reg);
	CHECK(!t_touch_done(&t));
	CHECK_OK(hp_wp(fd, reg, HP_SIZE, false));
	hp_touch_end(&t, 0x62);
	CHECK_EQ(alias[200], 0x62);

	CHECK_EQ(reg[HP_SIZE + 7], 0x61);
	t_touch_start(&t, reg + HP_SIZE + 8, 1, 0x63);
	hp_expect_fault(fd, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE,
			reg + HP_SIZE);
	CHECK(!t_touch_done(&t));
	CHECK_OK(hp_wp(fd, reg + HP_SIZE, HP_SIZE, false));
	hp_touch_end(&t, 0x63);
	CHECK_EQ(alias[HP_SIZE + 8], 0x63);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
