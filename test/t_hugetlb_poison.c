/* SPDX-License-Identifier: MIT */
/*
 * UFFDIO_POISON on hugetlb (spec 7.7), a private MAP_HUGETLB mapping
 * registered MISSING: 4 KiB, or 2 MiB from 4 KiB in -> EINVAL/-22; 2 MiB
 * -> 2097152, and a read anywhere in the huge page raises SIGBUS at its
 * exact address (BUS_ADRERR: this kernel has no CONFIG_MEMORY_FAILURE);
 * POISON again -> EEXIST/-17; a COPY over it succeeds and the page reads
 * the data.  No message is ever queued.
 */
#include "hugetlb_util.h"
#include "sigbus_util.h"

int main(void)
{
	char *p, *src;
	int64_t res;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS | UFFD_FEATURE_POISON, 4, 0);
	src = hp_source(0x71);
	p = hp_anon_registered(fd, 2, UFFDIO_REGISTER_MODE_MISSING, 0x10c);

	CHECK_ERR(hp_poison(fd, p, (size_t)t_page, &res), EINVAL);
	CHECK_EQ(res, -EINVAL);
	CHECK_ERR(hp_poison(fd, p + t_page, HP_SIZE, &res), EINVAL);
	CHECK_EQ(res, -EINVAL);
	CHECK_OK(hp_poison(fd, p, HP_SIZE, &res));
	CHECK_EQ(res, (long long)HP_SIZE);
	bus_catch();
	bus_expect(p + 0x1234, 0);
	bus_expect(p + HP_SIZE - 1, 1);
	CHECK_ERR(hp_poison(fd, p, HP_SIZE, &res), EEXIST);
	CHECK_EQ(res, -EEXIST);
	CHECK_OK(hp_copy(fd, p, src, HP_SIZE, 0, &res));
	CHECK_EQ(res, (long long)HP_SIZE);
	CHECK_EQ(bus_try(p + 0x1234, 0, 0), 0);
	CHECK_EQ(p[HP_SIZE - 1], 0x71);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
