/* SPDX-License-Identifier: MIT */
/*
 * UFFD_FEATURE_EXACT_ADDRESS on hugetlb (spec 3.3): the message of a read
 * at +2 MiB+0x1234 carries that address, not the huge page's start; a
 * COPY of the huge page resolves it.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *p, *src;
	int64_t res;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS | UFFD_FEATURE_EXACT_ADDRESS, 4,
		      UFFD_FEATURE_EXACT_ADDRESS);
	src = hp_source(0x35);
	p = hp_anon_registered(fd, 2, UFFDIO_REGISTER_MODE_MISSING, 0x10c);

	t_touch_start(&t, p + HP_SIZE + 0x1234, 0, 0);
	hp_expect_fault(fd, 0, p + HP_SIZE + 0x1234);
	CHECK_OK(hp_copy(fd, p + HP_SIZE, src, HP_SIZE, 0, &res));
	hp_touch_end(&t, 0x35);
	close(fd);
	return 0;
}
