/*
 * UFFDIO_ZEROPAGE over a write-protect marker (spec 7.5: strict none
 * check): in a MISSING|WP range with UFFD_FEATURE_WP_UNPOPULATED, a
 * protected never-touched page refuses ZEROPAGE with EEXIST/-17, while an
 * unprotected empty neighbour accepts it (0/4096); COPY then fills the
 * marker page.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct uffdio_zeropage z;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_UNPOPULATED);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	z = (struct uffdio_zeropage){ { (uintptr_t)p, (uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EEXIST);
	CHECK_EQ(z.zeropage, -EEXIST);
	/* Both pages: fails at the first, nothing done. */
	z = (struct uffdio_zeropage){ { (uintptr_t)p, 2 * (uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EEXIST);
	CHECK_EQ(z.zeropage, -EEXIST);

	z = (struct uffdio_zeropage){ { (uintptr_t)p + t_page, (uint64_t)t_page }, 0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z));
	CHECK_EQ(z.zeropage, t_page);
	CHECK_EQ(p[t_page + 5], 0);

	CHECK_OK(t_copy_byte(fd, p, 0x4a, 0));
	CHECK_EQ(p[5], 0x4a);
	close(fd);
	return 0;
}
