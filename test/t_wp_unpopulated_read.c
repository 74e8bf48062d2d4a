/*
 * UFFD_FEATURE_WP_UNPOPULATED, reading a write-protect marker (spec 8,
 * 9.1): a read of a protected never-touched page returns zeros with no
 * message and the page stays protected - a later write is still a WP
 * fault (0x3), resolved by un-protecting.
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
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	t_touch_start(&t, p + 0x200, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	t_touch_start(&t, p + t_page - 1, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	t_touch_start(&t, p + 0x200, 1, 0x73);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_EQ(p[0x200], 0);
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[0x200], 0x73);
	close(fd);
	return 0;
}
