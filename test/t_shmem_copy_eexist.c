/*
 * UFFDIO_COPY on shmem fails with EEXIST (copy == -17) when the page is
 * already in the page cache even though the registered mapping has no
 * PTE for it (spec 7.3, 7.4): the page written through another mapping
 * wins and stays; also when the PTE is present.  ZEROPAGE likewise.
 */
#include "events_util.h"

int main(void)
{
	struct uffdio_zeropage z;
	struct uffdio_copy c;
	char *reg, *alias, *src;
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	mfd = shm_memfd("t_shmem_copy_eexist", 2, 0);
	reg = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	src = t_map(1);
	memset(src, 0x76, (size_t)t_page);
	t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MISSING);

	alias[0] = 0x77;			/* in the cache, not mapped by reg */
	c = (struct uffdio_copy){ (uintptr_t)reg, (uintptr_t)src, (uint64_t)t_page, 0, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EEXIST);
	CHECK_EQ(c.copy, -EEXIST);
	z = (struct uffdio_zeropage){ { (uintptr_t)reg, (uint64_t)t_page }, 0, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EEXIST);
	CHECK_EQ(z.zeropage, -EEXIST);
	CHECK_EQ(alias[0], 0x77);
	CHECK_EQ(reg[0], 0x77);			/* mapped silently */
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);

	/* PTE present now. */
	c.copy = 0;
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EEXIST);
	CHECK_EQ(c.copy, -EEXIST);

	/* Page 1 is missing: COPY works, then EEXIST. */
	c = (struct uffdio_copy){ (uintptr_t)reg + (uintptr_t)t_page, (uintptr_t)src,
				  (uint64_t)t_page, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EEXIST);
	CHECK_EQ(c.copy, -EEXIST);
	CHECK_EQ(alias[t_page + 9], 0x76);
	close(fd);
	close(mfd);
	return 0;
}
