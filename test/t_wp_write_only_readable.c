/*
 * Write-protecting a page of a PROT_WRITE-only mapping (spec 8): a write
 * still gives a WP message, but reads go on working -- no MMU has
 * write-only pages, so the mapping was readable and a write-protected page
 * is readable.  Also an ioctl argument read from such a page is read (an
 * UFFDIO_WRITEPROTECT of length 0 from it: EINVAL, not EFAULT).  Found by
 * fuzz_ioctl: the emulated engine made the page PROT_NONE.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher t;
	struct uffd_msg m;
	volatile char *v;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	memset(p, 0, 2 * (size_t)t_page);
	p[5] = 0x5a;
	CHECK_OK(mprotect(p, 2 * (size_t)t_page, PROT_WRITE));
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	v = p;
	CHECK_EQ(v[5], 0x5a);
	CHECK_EQ(v[t_page + 7], 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	/* An argument in the protected page: all zeros, so len 0: EINVAL. */
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, p + t_page + 64), EINVAL);

	t_touch_start(&t, p + 9, 1, 0x61);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(v[9], 0x61);
	CHECK_EQ(v[5], 0x5a);
	close(fd);
	return 0;
}
