/* SPDX-License-Identifier: MIT */
/*
 * MISSING on a shared hugetlb memfd mapping (spec 7.4, 9.1): the page
 * cache decides.  Two huge pages registered MISSING (ioctls 0x10c), a
 * second mapping of the file unregistered.  A read at +2 MiB+0x1234 gives
 * one message at +2 MiB; a 2 MiB COPY fills the page: the reader and the
 * other mapping see it, and COPY again -> EEXIST/-17.  A page written
 * through the other mapping is in the cache: a COPY into it -> EEXIST/-17,
 * and a read of the registered mapping maps it without a message.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct t_toucher t;
	char *reg, *alias, *src;
	int64_t res;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS, 4, 0);
	reg = hp_shared_pair("t_hugetlb_shared_missing", 2, &alias);
	src = hp_source(0x41);
	CHECK_HEX(hp_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MISSING), 0x10c);

	t_touch_start(&t, reg + HP_SIZE + 0x1234, 0, 0);
	hp_expect_fault(fd, 0, reg + HP_SIZE);
	CHECK(!t_touch_done(&t));
	CHECK_OK(hp_copy(fd, reg + HP_SIZE, src, HP_SIZE, 0, &res));
	CHECK_EQ(res, (long long)HP_SIZE);
	hp_touch_end(&t, 0x41);
	CHECK_EQ(alias[2 * HP_SIZE - 1], 0x41);
	CHECK_ERR(hp_copy(fd, reg + HP_SIZE, src, HP_SIZE, 0, &res), EEXIST);
	CHECK_EQ(res, -EEXIST);

	memset(alias, 0x42, HP_SIZE);
	CHECK_ERR(hp_copy(fd, reg, src, HP_SIZE, 0, &res), EEXIST);
	CHECK_EQ(res, -EEXIST);
	t_touch_start(&t, reg + 0x10, 0, 0);
	hp_touch_end(&t, 0x42);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
