/*
 * UFFD_FEATURE_WP_UNPOPULATED (spec 8): write-protecting never-touched
 * anonymous pages of a WP-only range installs markers; a write to such a
 * page is a WP fault (flags 0x3, page address) and blocks; un-protecting
 * wakes it and the page then holds the written byte and zeros elsewhere.
 * Un-protecting a marker without a fault leaves an ordinary empty page (a
 * write proceeds silently).
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
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	t_touch_start(&t, p + 0x80, 1, 0x71);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	t_msleep(50);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x71);
	t_touch_join(&t);
	CHECK_EQ(p[0x80], 0x71);
	CHECK_EQ(p[0x7f], 0);
	CHECK_EQ(p[t_page - 1], 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* Page 1: un-protect the marker before any access. */
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p + t_page, (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	t_touch_start(&t, p + t_page + 1, 1, 0x72);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[t_page + 1], 0x72);
	CHECK_EQ(p[t_page], 0);
	close(fd);
	return 0;
}
