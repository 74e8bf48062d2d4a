/* SPDX-License-Identifier: MIT */
/*
 * UNREGISTER of hugetlb (spec 5): with a reader blocked on a missing huge
 * page of a MISSING registration, an UNREGISTER with a start inside a huge
 * page -> EINVAL, one whose end falls inside a registered huge page ->
 * EINVAL, and the reader stays blocked; a whole-page UNREGISTER wakes it,
 * and, the range no longer registered, it reads zeros.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct uffdio_range r;
	struct t_toucher t;
	char *p;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS, 4, 0);
	p = hp_anon_registered(fd, 2, UFFDIO_REGISTER_MODE_MISSING, 0x10c);
	t_touch_start(&t, p + HP_SIZE + 0x88, 0, 0);
	hp_expect_fault(fd, 0, p + HP_SIZE);

	r = (struct uffdio_range){ (uintptr_t)p + (uintptr_t)t_page, HP_SIZE };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, &r), EINVAL);
	r = (struct uffdio_range){ (uintptr_t)p, HP_SIZE + (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, &r), EINVAL);
	CHECK(!t_touch_done(&t));
	r = (struct uffdio_range){ (uintptr_t)p, 2 * HP_SIZE };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_UNREGISTER, &r));
	hp_touch_end(&t, 0);
	CHECK_EQ(p[5], 0);
	close(fd);
	return 0;
}
