/*
 * UFFDIO_WRITEPROTECT over a poisoned page (spec 7.7, 8): protecting and
 * then un-protecting a range that holds a poisoned page leaves the poison
 * in place -- an access still raises SIGBUS -- and leaves its neighbours
 * writable.  Found by fuzz_ioctl: the emulated engine turned the poison
 * into a WP marker and dropped it on un-protect.
 */
#include "sigbus_util.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct uffdio_poison po;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_POISON |
		  UFFD_FEATURE_WP_UNPOPULATED);
	bus_catch();
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_UNPOPULATED);
	p = t_map(3);
	memset(p, 0x21, 3 * (size_t)t_page);
	CHECK_OK(madvise(p + t_page, (size_t)t_page, MADV_DONTNEED));
	t_register(fd, p, 3, UFFDIO_REGISTER_MODE_WP);
	po = (struct uffdio_poison){ { (uintptr_t)p + (uintptr_t)t_page, (uint64_t)t_page }, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &po));
	CHECK_EQ(po.updated, t_page);

	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 3 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	bus_expect(p + t_page + 3, 0);
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	bus_expect(p + t_page + 5, 0);
	bus_expect(p + t_page, 1);
	/* The neighbours are unprotected and keep their contents. */
	CHECK_EQ(bus_try(p + 9, 1, 1), 0);
	CHECK_EQ(bus_try(p + 2 * t_page, 1, 1), 0);
	CHECK_EQ(p[10], 0x21);
	CHECK_EQ(p[2 * t_page + 1], 0x21);
	close(fd);
	return 0;
}
