/* SPDX-License-Identifier: MIT */
/*
 * UFFDIO_COPY of hugetlb from a source that stops being readable (spec
 * 7.1, 7.4): a huge page is copied whole or not at all.  Two pages from a
 * source whose second half is PROT_NONE -> EAGAIN with 2097152 (the first
 * page in, reads its data); from the unreadable half alone -> EFAULT/-14.
 * The second page is still missing: a read of it is a MISSING message.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *p, *src;
	int64_t res;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS, 4, 0);
	src = mmap(NULL, 2 * HP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	CHECK(src != MAP_FAILED);
	memset(src, 0x27, 2 * HP_SIZE);
	CHECK_OK(mprotect(src + HP_SIZE, HP_SIZE, PROT_NONE));
	p = hp_anon_registered(fd, 2, UFFDIO_REGISTER_MODE_MISSING, 0x10c);

	CHECK_ERR(hp_copy(fd, p, src, 2 * HP_SIZE, 0, &res), EAGAIN);
	CHECK_EQ(res, (long long)HP_SIZE);
	CHECK_EQ(p[HP_SIZE - 1], 0x27);
	CHECK_ERR(hp_copy(fd, p + HP_SIZE, src + HP_SIZE, HP_SIZE, 0, &res), EFAULT);
	CHECK_EQ(res, -EFAULT);
	t_touch_start(&t, p + HP_SIZE + 1, 0, 0);
	hp_expect_fault(fd, 0, p + HP_SIZE);
	CHECK_OK(hp_copy(fd, p + HP_SIZE, src, HP_SIZE, 0, &res));
	hp_touch_end(&t, 0x27);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
