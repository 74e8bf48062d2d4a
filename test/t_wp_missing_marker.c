/*
 * A MISSING|WP range with UFFD_FEATURE_WP_UNPOPULATED (spec 8, 9.1):
 * write-protecting a never-populated page installs a marker, yet a write
 * to it is reported as a MISSING fault (flags 0x1, not WP) and a read as
 * MISSING (0x0).  UFFDIO_COPY without MODE_WP over the marker succeeds, the
 * writer completes, and the page is not protected afterwards (a second
 * write proceeds without a message).
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
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_UNPOPULATED);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	/* Write: MISSING, not WP. */
	t_touch_start(&t, p + 5, 1, 0x15);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_copy_byte(fd, p, 0x10, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x15);
	t_touch_join(&t);
	CHECK_EQ(p[4], 0x10);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	/* Not protected after the plain COPY. */
	t_touch_start(&t, p + 6, 1, 0x16);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* Read: MISSING too. */
	t_touch_start(&t, p + t_page + 7, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x20, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x20);
	t_touch_join(&t);
	t_touch_start(&t, p + t_page, 1, 0x21);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
