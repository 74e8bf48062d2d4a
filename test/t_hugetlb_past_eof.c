/* SPDX-License-Identifier: MIT */
/*
 * A shared hugetlb mapping reaching past the end of its file (spec 7.4):
 * three huge pages mapped read-only (a writable mapping would extend the
 * file), two of them in the file, all registered MISSING.  UFFDIO_COPY
 * into the third -> EFAULT/-14; a read of it raises SIGBUS (BUS_ADRERR,
 * the exact address) and queues no message: the kernel checks the file
 * size before it looks for a registration.
 */
#include "hugetlb_util.h"
#include "sigbus_util.h"

int main(void)
{
	char *reg, *src;
	int64_t res;
	int fd, mfd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS, 4, 0);
	mfd = hp_memfd("t_hugetlb_past_eof", 2);
	reg = hp_map(mfd, 3, MAP_SHARED, PROT_READ, 0);
	src = hp_source(0x43);
	CHECK_HEX(hp_register(fd, reg, 3, UFFDIO_REGISTER_MODE_MISSING), 0x10c);

	CHECK_ERR(hp_copy(fd, reg + 2 * HP_SIZE, src, HP_SIZE, 0, &res), EFAULT);
	CHECK_EQ(res, -EFAULT);
	bus_catch();
	bus_expect(reg + 2 * HP_SIZE + 0x123, 0);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	CHECK_OK(hp_copy(fd, reg + HP_SIZE, src, HP_SIZE, 0, &res));
	CHECK_EQ(reg[HP_SIZE + 7], 0x43);
	close(fd);
	return 0;
}
