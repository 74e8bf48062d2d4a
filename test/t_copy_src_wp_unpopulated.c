/*
 * UFFDIO_COPY whose source is a write-protected page that was never
 * populated (UFFD_FEATURE_WP_UNPOPULATED; spec 8): reading it does not
 * fault on write protection, so the copy reads zeros and succeeds, in one
 * call, for every page.  Found by fuzz_ioctl: the emulated engine's read of
 * the source stopped at the marker (EFAULT).
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct uffdio_copy c;
	char *p;
	size_t i;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_UNPOPULATED);
	p = t_map(4);
	memset(p + 2 * t_page, 0x3c, 2 * (size_t)t_page);	/* the destination */
	CHECK_OK(madvise(p + 2 * t_page, 2 * (size_t)t_page, MADV_DONTNEED));
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 4 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	c = (struct uffdio_copy){ (uintptr_t)p + 2 * (uintptr_t)t_page, (uintptr_t)p,
				  2 * (uint64_t)t_page, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, 2 * t_page);
	for (i = 0; i < 4 * (size_t)t_page; i += 512)
		CHECK_EQ(((volatile char *)p)[i], 0);
	close(fd);
	return 0;
}
