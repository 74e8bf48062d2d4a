/* UFFDIO_WAKE covering a fault without resolving it: the thread re-executes, faults again and a NEW message with the same address is queued. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	CHECK_HEX(t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + t_page + 40, 1, 0x66);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);

	/* Exactly the page. */
	CHECK_EQ(t_wake(fd, p + t_page, (size_t)t_page), 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK(!t_touch_done(&t));

	/* A wider range, and the message still unread when woken. */
	CHECK_EQ(t_wake(fd, p, 3 * (size_t)t_page), 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK(t_poll(fd, POLLIN, 0) == 0);
	CHECK_EQ(t_wake(fd, p + t_page, (size_t)t_page), 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	CHECK(!t_touch_done(&t));

	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x66);
	t_touch_join(&t);
	close(fd);
	return 0;
}
