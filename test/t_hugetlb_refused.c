/* SPDX-License-Identifier: MIT */
/*
 * What hugetlb refuses (spec 7.4-7.8), on a private MAP_HUGETLB mapping:
 * UFFDIO_ZEROPAGE of a huge page -> ENOENT/-2 while unregistered, then
 * EINVAL/-22 once registered (ZEROPAGE is not in its ioctls, 0x10c);
 * UFFDIO_COPY of 2 MiB + 4 KiB -> EINVAL/-22; UFFDIO_MOVE into it from an
 * anonymous page -> EINVAL/-22; UFFDIO_CONTINUE of 4 KiB in a MINOR
 * registration -> EINVAL/-22, of 2 MiB of a page not in the file ->
 * EFAULT/-14.
 */
#include "hugetlb_util.h"

int main(void)
{
	struct uffdio_move mv;
	char *p, *src;
	int64_t res;
	int fd;

	fd = hp_start(UFFD_FEATURE_MISSING_HUGETLBFS | UFFD_FEATURE_MINOR_HUGETLBFS, 4, 0);
	p = hp_map_anon(2);
	src = hp_source(0x21);

	CHECK_ERR(hp_zeropage(fd, p, HP_SIZE, &res), ENOENT);
	CHECK_EQ(res, -ENOENT);
	CHECK_HEX(hp_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x10c);
	CHECK_ERR(hp_zeropage(fd, p, HP_SIZE, &res), EINVAL);
	CHECK_EQ(res, -EINVAL);
	CHECK_ERR(hp_copy(fd, p, src, HP_SIZE + (size_t)t_page, 0, &res), EINVAL);
	CHECK_EQ(res, -EINVAL);
	mv = (struct uffdio_move){ (uintptr_t)p, (uintptr_t)src, HP_SIZE, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, -EINVAL);

	CHECK_HEX(hp_register(fd, p, 2, UFFDIO_REGISTER_MODE_MINOR), 0x18c);
	CHECK_ERR(t_continue(fd, p, (size_t)t_page, 0, &res), EINVAL);
	CHECK_EQ(res, -EINVAL);
	CHECK_ERR(t_continue(fd, p, HP_SIZE, 0, &res), EFAULT);
	CHECK_EQ(res, -EFAULT);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
