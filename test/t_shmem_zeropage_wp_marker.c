/*
 * UFFDIO_ZEROPAGE on a shmem page that carries only a write-protect
 * marker (WP_UNPOPULATED, the page in no cache; spec 7.5, 8): shmem's
 * install accepts a marker, so the call succeeds (an anonymous page would
 * say EEXIST), and the page it maps is not write-protected: a write
 * completes without a message.  Found by fuzz_ioctl (the emulated engine
 * said EEXIST).
 */
#include "events_util.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct uffdio_zeropage z;
	struct t_toucher t;
	struct uffd_msg m;
	char *reg;
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_WP_HUGETLBFS_SHMEM |
		  UFFD_FEATURE_WP_UNPOPULATED);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_UNPOPULATED);
	mfd = shm_memfd("t_shmem_zeropage_wp_marker", 2, 0);
	reg = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)reg, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	z = (struct uffdio_zeropage){ { (uintptr_t)reg, (uint64_t)t_page }, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z));
	CHECK_EQ(z.zeropage, t_page);

	t_touch_start(&t, reg + 5, 1, 0x6b);
	CHECK_MSG(t_touch_wait(&t, 5000), "write to the zero-filled page blocked");
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(((volatile char *)reg)[5], 0x6b);

	/* The other page keeps its marker: a write is a WP fault. */
	t_touch_start(&t, reg + t_page, 1, 0x6c);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
