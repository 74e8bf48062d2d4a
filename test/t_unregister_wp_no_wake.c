/* UNREGISTER does not wake a thread blocked in a WP fault of a WP-only range; UFFDIO_WAKE then lets it complete (WP bits were cleared). */
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
	p = t_map(1);
	p[0] = 1;
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_WP), 0x17c);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	t_touch_start(&t, p, 1, 2);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	t_unregister(fd, p, 1);
	t_msleep(100);	/* a wrongly woken thread would have finished by now */
	CHECK(!t_touch_done(&t));
	CHECK_EQ(t_wake(fd, p, (size_t)t_page), 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 2);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
