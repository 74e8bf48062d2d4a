/*
 * Re-registering a WP-only range that has a protected page with
 * MISSING|WP (spec 4.3: not a subset, so the modes are replaced, but WP
 * stays among them): the protection survives - a write is a WP fault
 * (0x3) - and un-protecting lets the write complete; the page is then
 * ordinarily writable.  An empty page of the range is now MISSING.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	memset(p, 0x21, (size_t)t_page);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP),
		  0x17c);

	t_touch_start(&t, p + 3, 1, 0x22);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[3], 0x22);
	CHECK_EQ(p[2], 0x21);
	t_touch_start(&t, p + 4, 1, 0x23);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* Page 1 (never touched) is MISSING now. */
	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x24, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x24);
	t_touch_join(&t);
	close(fd);
	return 0;
}
