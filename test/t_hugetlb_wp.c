/* SPDX-License-Identifier: MIT */
/*
 * Write protection on a private hugetlb mapping (spec 8), registered
 * MISSING|WP (ioctls 0x14c).  A COPY with MODE_WP: reads go on, a write at
 * +0x1234 is a WP|WRITE message (0x3) at the huge page's start;
 * WRITEPROTECT of 4 KiB, or from 4 KiB in, -> EINVAL; removing the
 * protection of the huge page wakes the writer.  The second page,
 * write-protected while never populated: a write there is a MISSING
 * message (0x1), and a COPY without MODE_WP lets the write through.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *p, *src;
	int64_t res;
	int fd;

	fd = hp_start(HP_WP_FEATURES, 4, 0);
	src = hp_source(0x51);
	p = hp_anon_registered(fd, 2, UFFDIO_REGISTER_MODE_MISSING |
			       UFFDIO_REGISTER_MODE_WP, 0x14c);

	CHECK_OK(hp_copy(fd, p, src, HP_SIZE, UFFDIO_COPY_MODE_WP, &res));
	CHECK_EQ(res, (long long)HP_SIZE);
	CHECK_EQ(p[HP_SIZE - 1], 0x51);
	t_touch_start(&t, p + 0x1234, 1, 0x52);
	hp_expect_fault(fd, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE, p);
	CHECK_ERR(hp_wp(fd, p, (size_t)t_page, false), EINVAL);
	CHECK_ERR(hp_wp(fd, p + t_page, HP_SIZE, false), EINVAL);
	CHECK(!t_touch_done(&t));
	CHECK_OK(hp_wp(fd, p, HP_SIZE, false));
	hp_touch_end(&t, 0x52);

	CHECK_OK(hp_wp(fd, p + HP_SIZE, HP_SIZE, true));
	t_touch_start(&t, p + HP_SIZE + 8, 1, 0x53);
	hp_expect_fault(fd, UFFD_PAGEFAULT_FLAG_WRITE, p + HP_SIZE);
	CHECK(!t_touch_done(&t));
	CHECK_OK(hp_copy(fd, p + HP_SIZE, src, HP_SIZE, 0, &res));
	hp_touch_end(&t, 0x53);
	CHECK_EQ(p[HP_SIZE + 9], 0x51);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
