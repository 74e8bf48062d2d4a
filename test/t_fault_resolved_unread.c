/*
 * Faults resolved before their message is read vanish from the queue
 * (spec 9.3): two threads fault on two pages, both pages are filled without
 * reading; both threads complete and read() -> EAGAIN, poll() -> 0.
 */
#include "harness.h"

int main(void)
{
	struct t_toucher a, b;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&a, p, 0, 0);
	t_touch_start(&b, p + t_page, 1, 0x22);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	t_msleep(100);
	CHECK(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));
	CHECK(!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE));

	CHECK_OK(t_copy_byte(fd, p, 0x11, 0));
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	CHECK(t_touch_wait(&a, 5000));
	CHECK(t_touch_wait(&b, 5000));
	CHECK_EQ(a.seen, 0x11);
	CHECK_EQ(b.seen, 0x22);
	t_touch_join(&a);
	t_touch_join(&b);

	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);
	close(fd);
	return 0;
}
