/*
 * UFFD_FEATURE_EXACT_ADDRESS (spec 6, 9.2): the message carries the exact
 * faulting address; a page-aligned UFFDIO_WAKE still wakes the thread
 * (which re-faults: a new message, again exact), and a page-aligned COPY
 * resolves it.
 */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_EXACT_ADDRESS);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EXACT_ADDRESS);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, p + t_page + 0x123, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page + 0x123);
	CHECK_HEX(m.arg.pagefault.flags, 0);

	CHECK_OK(t_wake(fd, p + t_page, (size_t)t_page));
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page + 0x123);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));

	CHECK_OK(t_copy_byte(fd, p + t_page, 0x3e, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x3e);
	t_touch_join(&t);

	/* A write at the last byte of page 0. */
	t_touch_start(&t, p + t_page - 1, 1, 0x40);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page - 1);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x40);
	t_touch_join(&t);
	close(fd);
	return 0;
}
