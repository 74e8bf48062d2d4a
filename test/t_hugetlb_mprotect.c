/* SPDX-License-Identifier: MIT */
/*
 * mprotect() over registered hugetlb (spec 11): the registration stays.
 * After mprotect(PROT_READ) and back to read-write over the whole region,
 * a missing page still gives a MISSING message (a read does not just
 * populate it), and a page written-protected by COPY_MODE_WP still gives a
 * WP message at its first write.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *p, *src;
	int64_t res;
	int fd;

	fd = hp_start(HP_WP_FEATURES, 4, 0);
	src = hp_source(0x19);
	p = hp_anon_registered(fd, 2, UFFDIO_REGISTER_MODE_MISSING |
			       UFFDIO_REGISTER_MODE_WP, 0x14c);
	CHECK_OK(hp_copy(fd, p, src, HP_SIZE, UFFDIO_COPY_MODE_WP, &res));
	CHECK_OK(mprotect(p, 2 * HP_SIZE, PROT_READ));
	CHECK_OK(mprotect(p, 2 * HP_SIZE, PROT_READ | PROT_WRITE));

	t_touch_start(&t, p + HP_SIZE + 3, 0, 0);
	hp_expect_fault(fd, 0, p + HP_SIZE);
	CHECK_OK(hp_copy(fd, p + HP_SIZE, src, HP_SIZE, 0, &res));
	hp_touch_end(&t, 0x19);

	t_touch_start(&t, p + 3, 1, 0x1a);
	hp_expect_fault(fd, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE, p);
	CHECK_OK(hp_wp(fd, p, HP_SIZE, false));
	hp_touch_end(&t, 0x1a);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
