/*
 * UFFDIO_WAKE without resolving (spec 6, 9.3): the thread re-executes the
 * access, faults again and queues a new message; for a fault whose message
 * was never read, the old message is replaced (exactly one pending).  A
 * WAKE range not covering the address wakes nothing.
 */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m[4];
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, p + t_page + 9, 1, 0x61);
	CHECK(t_read_msg(fd, &m[0], 5000));
	CHECK_HEX(m[0].arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);

	/* Not covering: nothing happens. */
	CHECK_OK(t_wake(fd, p, (size_t)t_page));
	CHECK_OK(t_wake(fd, p + 2 * t_page, (size_t)t_page));
	t_msleep(100);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));

	/* Covering, message already read: a new message is queued. */
	CHECK_OK(t_wake(fd, p, 3 * (size_t)t_page));
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	t_msleep(100);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));

	/* Covering, that message left unread: it is replaced, one pending. */
	CHECK_OK(t_wake(fd, p + t_page, (size_t)t_page));
	t_msleep(200);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	CHECK_EQ(t_drain(fd, m, 4), 1);
	CHECK_EQ(m[0].event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m[0].arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK_HEX(m[0].arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));

	CHECK_OK(t_copy_byte(fd, p + t_page, 0x33, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x61);
	CHECK_EQ(p[t_page + 8], 0x33);
	t_touch_join(&t);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
