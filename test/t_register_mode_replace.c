/* Re-registering with a mode set that is not a subset replaces the modes: MISSING then WP leaves only WP. */
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
	p[t_page] = 1;	/* page 1 populated */
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	/* MISSING-only: WRITEPROTECT is refused. */
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p + t_page, (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp), ENOENT);

	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP), 0x17c);
	/* WP mode now present... */
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	/* ...and MISSING gone: a read of the missing page 0 zero-fills silently. */
	t_touch_start(&t, p, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* The write-protected page 1 reports a WP fault. */
	t_touch_start(&t, p + t_page, 1, 2);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 2);
	t_touch_join(&t);
	close(fd);
	return 0;
}
