/*
 * close(uffd) with threads blocked in WP faults (spec 9.6): one whose
 * message was read and one whose message is still queued; close wakes
 * both, the ranges are unregistered and the protection cleared, so both
 * writes complete (no SIGBUS, no hang), and later writes are silent.
 */
#include "harness.h"

static void on_bus(int sig)
{
	(void)sig;
	_exit(3);
}

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher a, b;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	signal(SIGBUS, on_bus);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	memset(p, 0x11, 3 * (size_t)t_page);
	t_register(fd, p, 3, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 3 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	t_touch_start(&a, p + 1, 1, 0x21);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	t_touch_start(&b, p + t_page + 2, 1, 0x22);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);	/* b's message, unread */
	t_msleep(100);
	CHECK(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));
	CHECK(!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE));

	CHECK_OK(close(fd));
	CHECK(t_touch_wait(&a, 5000));
	CHECK(t_touch_wait(&b, 5000));
	CHECK_EQ(a.seen, 0x21);
	CHECK_EQ(b.seen, 0x22);
	t_touch_join(&a);
	t_touch_join(&b);
	CHECK_EQ(p[0], 0x11);
	CHECK_EQ(p[t_page + 2], 0x22);

	/* Page 2 was protected too: now writable. */
	t_touch_start(&a, p + 2 * t_page, 1, 0x23);
	CHECK(t_touch_wait(&a, 5000));
	t_touch_join(&a);
	CHECK_EQ(p[2 * t_page], 0x23);
	return 0;
}
