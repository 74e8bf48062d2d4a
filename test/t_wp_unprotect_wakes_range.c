/*
 * Un-protecting wakes the whole requested range (spec 8: after a
 * successful WRITEPROTECT with mode 0, waiters in [start, start+len) are
 * woken, whatever they wait for): in a MISSING|WP range, a thread blocked
 * on a MISSING fault of page 1 is woken by WRITEPROTECT(mode 0) over pages
 * 0..1 - it re-executes the access, the page is still missing, so it
 * faults again and queues a new MISSING message; COPY then resolves it.
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
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	CHECK_OK(t_copy_byte(fd, p, 0x0a, 0));

	t_touch_start(&t, p + t_page + 4, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 2 * (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));

	/* With DONTWAKE nobody is woken: no third message. */
	wp.mode = UFFDIO_WRITEPROTECT_MODE_DONTWAKE;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);

	CHECK_OK(t_copy_byte(fd, p + t_page, 0x0b, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x0b);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
