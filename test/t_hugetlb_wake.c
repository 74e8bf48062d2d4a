/* SPDX-License-Identifier: MIT */
/*
 * UFFDIO_WAKE and a huge page (spec 6): the kernel matches a waiter by the
 * address its message reported, here the huge page's start, so a WAKE of
 * [start, start + 4 KiB) wakes a reader that faulted at +0x1234.  The page
 * still missing, the reader faults again: a second message for the same
 * page.  A COPY resolves it.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *p, *src;
	int64_t res;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS, 2, 0);
	src = hp_source(0x31);
	p = hp_anon_registered(fd, 1, UFFDIO_REGISTER_MODE_MISSING, 0x10c);

	t_touch_start(&t, p + 0x1234, 0, 0);
	hp_expect_fault(fd, 0, p);
	CHECK_OK(t_wake(fd, p, (size_t)t_page));
	hp_expect_fault(fd, 0, p);
	CHECK(!t_touch_done(&t));
	CHECK_OK(hp_copy(fd, p, src, HP_SIZE, 0, &res));
	hp_touch_end(&t, 0x31);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
