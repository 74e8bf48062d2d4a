/*
 * UFFDIO_UNREGISTER clears write protection (spec 5, 8): after
 * unregistering a WP-only range with protected pages, writes proceed with
 * no message; registering the range again in WP mode does not bring the
 * protection back (writes are still silent).  Unregistering only part of
 * a protected range leaves the rest protected.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd, i;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	memset(p, 1, 3 * (size_t)t_page);
	t_register(fd, p, 3, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 3 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	t_unregister(fd, p, 2);
	for (i = 0; i < 2; i++) {
		t_touch_start(&t, p + i * t_page, 1, (char)(0x30 + i));
		CHECK(t_touch_wait(&t, 5000));
		t_touch_join(&t);
	}
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[0], 0x30);
	CHECK_EQ(p[t_page], 0x31);

	/* Page 2 is still registered and protected. */
	t_touch_start(&t, p + 2 * t_page, 1, 0x32);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 2 * (uintptr_t)t_page);
	t_unregister(fd, p + 2 * t_page, 1);
	CHECK_OK(t_wake(fd, p + 2 * t_page, (size_t)t_page));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[2 * t_page], 0x32);

	/* Registering again does not restore the protection. */
	t_register(fd, p, 3, UFFDIO_REGISTER_MODE_WP);
	for (i = 0; i < 3; i++) {
		t_touch_start(&t, p + i * t_page + 1, 1, (char)(0x40 + i));
		CHECK(t_touch_wait(&t, 5000));
		t_touch_join(&t);
	}
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
