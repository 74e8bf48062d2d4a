/*
 * A WP marker outlives the WP mode (spec 5, 8): a never-populated page
 * write-protected under WP mode (WP_UNPOPULATED), then registered again
 * with MISSING only, keeps its marker, as the kernel's PTE marker stays:
 * ZEROPAGE and POISON there say EEXIST, while an access faults as missing
 * (no WP flag) and a COPY resolves it.  Found by fuzz_ioctl (K17).
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
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED |
		  UFFD_FEATURE_POISON);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_UNPOPULATED);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	CHECK_ERR(t_zeropage(fd, p, 1, 0), EEXIST);
	po = (struct uffdio_poison){ { (uintptr_t)p, (uint64_t)t_page }, 0, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_POISON, &po), EEXIST);
	/* The page without a marker takes a ZEROPAGE. */
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));

	t_touch_start(&t, p + 3, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_copy_byte(fd, p, 0x4d, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x4d);
	t_touch_join(&t);
	p[1] = 0x4e;		/* not write-protected */
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
