/*
 * UFFDIO_POISON over a write-protect marker (spec 7.7, probe10): in a
 * MISSING|WP range with UFFD_FEATURE_WP_UNPOPULATED, a protected never-
 * touched page refuses POISON with EEXIST/-17 (markers are not "none");
 * the page is still a marker: a write is a MISSING fault, resolved by COPY.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct uffdio_poison po;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_UNPOPULATED);
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	po = (struct uffdio_poison){ { (uintptr_t)p, (uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_POISON, &po), EEXIST);
	CHECK_EQ(po.updated, -EEXIST);

	t_touch_start(&t, p + 1, 1, 0x19);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_copy_byte(fd, p, 0x18, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[0], 0x18);
	CHECK_EQ(p[1], 0x19);
	close(fd);
	return 0;
}
