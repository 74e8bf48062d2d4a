/*
 * Without UFFD_FEATURE_WP_UNPOPULATED, write-protecting anonymous pages
 * that were never touched does nothing to them (spec 8: none PTEs are
 * ignored): the call succeeds, a write then populates the page with no
 * message, and the page is not protected afterwards either (a second
 * write is silent too).  A read-faulted (zero page) neighbour protected in
 * the same call is protected (write -> WP message).
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher t;
	struct uffd_msg m;
	volatile char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	t_register(fd, (void *)p, 3, UFFDIO_REGISTER_MODE_WP);
	CHECK_EQ(p[2 * t_page], 0);	/* page 2: the zero page */
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 3 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	t_touch_start(&t, (void *)(p + 10), 1, 0x61);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x61);
	t_touch_join(&t);
	t_touch_start(&t, (void *)(p + t_page), 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	t_touch_start(&t, (void *)(p + 11), 1, 0x62);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[10], 0x61);
	CHECK_EQ(p[11], 0x62);

	/* The read-faulted page was present: it is protected. */
	t_touch_start(&t, (void *)(p + 2 * t_page + 3), 1, 0x63);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 2 * (uintptr_t)t_page);
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[2 * t_page + 3], 0x63);
	CHECK_EQ(p[2 * t_page + 4], 0);
	close(fd);
	return 0;
}
