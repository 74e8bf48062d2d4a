/* SPDX-License-Identifier: MIT */
/*
 * MADV_DONTNEED on a registered private hugetlb mapping (spec 11.3): a
 * huge page filled by COPY and zapped is missing again, so the next read
 * is a MISSING message at its start; a zap whose start is inside a huge
 * page -> EINVAL, and the page keeps its data.  An end inside a huge page
 * is rounded down: that page stays.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *p, *src;
	int64_t res;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS, 4, 0);
	src = hp_source(0x11);
	p = hp_anon_registered(fd, 2, UFFDIO_REGISTER_MODE_MISSING, 0x10c);
	CHECK_OK(hp_copy(fd, p, src, HP_SIZE, 0, &res));
	CHECK_OK(hp_copy(fd, p + HP_SIZE, src, HP_SIZE, 0, &res));

	CHECK_ERR(madvise(p + t_page, HP_SIZE, MADV_DONTNEED), EINVAL);
	CHECK_EQ(p[t_page], 0x11);
	CHECK_OK(madvise(p, HP_SIZE + (size_t)t_page, MADV_DONTNEED));
	CHECK_EQ(p[HP_SIZE + 5], 0x11);
	t_touch_start(&t, p + 0x4321, 0, 0);
	hp_expect_fault(fd, 0, p);
	CHECK_OK(hp_copy(fd, p, src, HP_SIZE, 0, &res));
	hp_touch_end(&t, 0x11);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
