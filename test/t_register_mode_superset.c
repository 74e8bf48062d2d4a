/* Re-registering with a subset of the current modes is a no-op: MISSING|WP then MISSING (or WP) keeps both modes. */
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
	p = t_map(3);
	p[0] = 1;	/* page 0 populated */
	CHECK_HEX(t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP), 0x17c);
	/* ioctls reflect the requested modes... */
	CHECK_HEX(t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	/* ...but WP mode is still there. */
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	CHECK_HEX(t_register(fd, p, 3, UFFDIO_REGISTER_MODE_WP), 0x17c);
	/* MISSING is still there too. */
	t_touch_start(&t, p + 2 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 2 * t_page);
	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x52, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x52);
	t_touch_join(&t);

	/* And page 0 is write-protected. */
	t_touch_start(&t, p, 1, 3);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
