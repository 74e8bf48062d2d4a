/*
 * UFFDIO_WRITEPROTECT over a range with an unmapped hole between two
 * WP-registered VMAs (spec 8): holes are skipped, the call succeeds and
 * both pages are protected (writes give WP messages at their addresses);
 * un-protecting the same range with the hole also succeeds and wakes.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher a, b;
	struct uffd_msg m[2];
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	memset(p, 1, 3 * (size_t)t_page);
	CHECK_OK(munmap(p + t_page, (size_t)t_page));
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_WP);
	t_register(fd, p + 2 * t_page, 1, UFFDIO_REGISTER_MODE_WP);

	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 3 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	t_touch_start(&a, p + 5, 1, 0x21);
	CHECK(t_read_msg(fd, &m[0], 5000));
	t_touch_start(&b, p + 2 * t_page + 6, 1, 0x22);
	CHECK(t_read_msg(fd, &m[1], 5000));
	CHECK_HEX(m[0].arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m[0].arg.pagefault.address, (uintptr_t)p);
	CHECK_HEX(m[1].arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m[1].arg.pagefault.address, (uintptr_t)p + 2 * (uintptr_t)t_page);
	CHECK(!a.done && !b.done);

	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&a, 5000));
	CHECK(t_touch_wait(&b, 5000));
	CHECK_EQ(a.seen, 0x21);
	CHECK_EQ(b.seen, 0x22);
	t_touch_join(&a);
	t_touch_join(&b);
	CHECK_EQ(t_drain(fd, m, 2), 0);
	close(fd);
	return 0;
}
