/* SPDX-License-Identifier: MIT */
/*
 * MINOR on a private mapping of a hugetlb memfd (spec 4.2, 7.6; ioctls
 * 0x18c): the page cache is filled through a shared mapping; a read of
 * the registered private mapping is a MINOR message (0x4) at the huge
 * page's start, CONTINUE maps the cached page and the reader sees it.  A
 * later write to the private page copies it without a message: the
 * shared mapping keeps its byte, and CONTINUE of it -> EEXIST/-17.  A
 * page not in the file is an ordinary fault (zeros, no message), and
 * CONTINUE of it, mapped but not in the cache -> EFAULT/-14.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *priv, *shared;
	int64_t res;
	int fd, mfd;

	fd = hp_start(UFFD_FEATURE_MINOR_HUGETLBFS, 4, 0);
	mfd = hp_memfd("t_hugetlb_minor_private", 2);
	priv = hp_map(mfd, 2, MAP_PRIVATE, PROT_READ | PROT_WRITE, 0);
	shared = hp_map(mfd, 2, MAP_SHARED, PROT_READ | PROT_WRITE, 0);
	memset(shared, 0x55, HP_SIZE);
	CHECK_HEX(hp_register(fd, priv, 2, UFFDIO_REGISTER_MODE_MINOR), 0x18c);

	t_touch_start(&t, priv + 0x2345, 0, 0);
	hp_expect_fault(fd, UFFD_PAGEFAULT_FLAG_MINOR, priv);
	CHECK(!t_touch_done(&t));
	CHECK_OK(t_continue(fd, priv, HP_SIZE, 0, &res));
	CHECK_EQ(res, (long long)HP_SIZE);
	hp_touch_end(&t, 0x55);
	priv[7] = 0x56;
	CHECK_EQ(shared[7], 0x55);
	CHECK_EQ(priv[7], 0x56);

	t_touch_start(&t, priv + HP_SIZE + 9, 0, 0);
	hp_touch_end(&t, 0);
	CHECK_ERR(t_continue(fd, priv, HP_SIZE, 0, &res), EEXIST);
	CHECK_EQ(res, -EEXIST);
	CHECK_ERR(t_continue(fd, priv + HP_SIZE, HP_SIZE, 0, &res), EFAULT);
	CHECK_EQ(res, -EFAULT);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
