/*
 * Filling shmem beyond the end of the file (spec 7.3-7.5): a memfd of 2
 * pages mapped and registered over 4; UFFDIO_COPY and UFFDIO_ZEROPAGE of
 * a page past EOF fail with EFAULT and -14 in the result field; a 2-page
 * COPY straddling EOF is partial (EAGAIN, copy == 4096, the first page
 * installed); after ftruncate() grows the file the same COPY works.
 */
#include "events_util.h"

int main(void)
{
	struct uffdio_zeropage z;
	struct uffdio_copy c;
	char *reg, *src;
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	mfd = shm_memfd("t_shmem_copy_eof", 2, 0);
	reg = shm_map(mfd, 4 * (size_t)t_page, MAP_SHARED);
	src = t_map(2);
	memset(src, 0x7a, 2 * (size_t)t_page);
	t_register(fd, reg, 4, UFFDIO_REGISTER_MODE_MISSING);

	c = (struct uffdio_copy){ (uintptr_t)reg + 2 * (uintptr_t)t_page, (uintptr_t)src,
				  (uint64_t)t_page, 0, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EFAULT);
	CHECK_EQ(c.copy, -EFAULT);
	z = (struct uffdio_zeropage){ { (uintptr_t)reg + 3 * (uintptr_t)t_page,
					(uint64_t)t_page }, 0, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EFAULT);
	CHECK_EQ(z.zeropage, -EFAULT);

	c = (struct uffdio_copy){ (uintptr_t)reg + (uintptr_t)t_page, (uintptr_t)src,
				  2 * (uint64_t)t_page, 0, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EAGAIN);
	CHECK_EQ(c.copy, t_page);
	CHECK_EQ(reg[t_page + 1], 0x7a);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);

	CHECK_OK(ftruncate(mfd, 4 * (off_t)t_page));
	c = (struct uffdio_copy){ (uintptr_t)reg + 2 * (uintptr_t)t_page, (uintptr_t)src,
				  (uint64_t)t_page, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	CHECK_EQ(reg[2 * t_page + 2], 0x7a);
	close(fd);
	close(mfd);
	return 0;
}
