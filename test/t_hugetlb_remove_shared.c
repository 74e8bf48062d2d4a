/* SPDX-License-Identifier: MIT */
/*
 * Zapping a registered shared hugetlb page (spec 11.3): after
 * MADV_DONTNEED the page is still in the file, so the next read maps it
 * without a message and sees the data; after MADV_REMOVE (a hole punched
 * in the file) it is missing again: the next read is a MISSING message,
 * and the other mapping of the file reads zeros.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *reg, *alias, *src;
	int64_t res;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS, 2, 0);
	reg = hp_shared_pair("t_hugetlb_remove_shared", 1, &alias);
	src = hp_source(0x13);
	CHECK_HEX(hp_register(fd, reg, 1, UFFDIO_REGISTER_MODE_MISSING), 0x10c);
	CHECK_OK(hp_copy(fd, reg, src, HP_SIZE, 0, &res));

	CHECK_OK(madvise(reg, HP_SIZE, MADV_DONTNEED));
	t_touch_start(&t, reg + 0x10, 0, 0);
	hp_touch_end(&t, 0x13);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);

	CHECK_OK(madvise(reg, HP_SIZE, MADV_REMOVE));
	CHECK_EQ(alias[0x20], 0);
	CHECK_OK(madvise(alias, HP_SIZE, MADV_REMOVE));
	t_touch_start(&t, reg + 0x30, 0, 0);
	hp_expect_fault(fd, 0, reg);
	CHECK_OK(hp_copy(fd, reg, src, HP_SIZE, 0, &res));
	hp_touch_end(&t, 0x13);
	close(fd);
	return 0;
}
