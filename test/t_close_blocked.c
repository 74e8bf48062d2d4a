/*
 * close(uffd) with threads blocked on MISSING faults (spec 9.6): one whose
 * message was read and one whose message was not; both are woken, retry
 * against the now unregistered range and complete, reading zero-filled
 * pages (a writer sees its own value) - no SIGBUS, no hang.
 */
#include "harness.h"

static volatile int got_sigbus;

static void on_bus(int sig)
{
	(void)sig;
	got_sigbus = 1;
	_exit(3);
}

int main(void)
{
	struct t_toucher a, b, c;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	signal(SIGBUS, on_bus);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&a, p + 3, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	t_touch_start(&b, p + 2 * t_page + 5, 0, 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);	/* b's message, unread */
	t_touch_start(&c, p + 3 * t_page, 1, 0x48);
	t_msleep(200);
	CHECK(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));
	CHECK(!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE));
	CHECK(!__atomic_load_n(&c.done, __ATOMIC_ACQUIRE));

	CHECK_OK(close(fd));
	CHECK(t_touch_wait(&a, 5000));
	CHECK(t_touch_wait(&b, 5000));
	CHECK(t_touch_wait(&c, 5000));
	CHECK_EQ(a.seen, 0);
	CHECK_EQ(b.seen, 0);
	CHECK_EQ(c.seen, 0x48);
	t_touch_join(&a);
	t_touch_join(&b);
	t_touch_join(&c);
	CHECK_EQ(p[3 * t_page + 1], 0);
	CHECK_EQ(got_sigbus, 0);
	return 0;
}
