/* SPDX-License-Identifier: MIT */
/*
 * UFFD_FEATURE_SIGBUS on hugetlb (spec 3.3, 9.2): a read of a missing huge
 * page at +2 MiB+0x1234 raises SIGBUS, BUS_ADRERR, at exactly that address
 * and queues no message; after a COPY the read succeeds.
 */
#include "hugetlb_util.h"
#include "sigbus_util.h"

int main(void)
{
	char *p, *src;
	int64_t res;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS | UFFD_FEATURE_SIGBUS, 4,
		      UFFD_FEATURE_SIGBUS);
	src = hp_source(0x17);
	p = hp_anon_registered(fd, 2, UFFDIO_REGISTER_MODE_MISSING, 0x10c);
	bus_catch();
	bus_expect(p + HP_SIZE + 0x1234, 0);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	CHECK_OK(hp_copy(fd, p + HP_SIZE, src, HP_SIZE, 0, &res));
	CHECK_EQ(bus_try(p + HP_SIZE + 0x1234, 0, 0), 0);
	CHECK_EQ(p[2 * HP_SIZE - 1], 0x17);
	close(fd);
	return 0;
}
