/*
 * UFFDIO_COPY_MODE_DONTWAKE (spec 7.2): the page is installed but the
 * thread blocked on it stays blocked (and queues nothing new) until
 * UFFDIO_WAKE; then it completes and sees the copied data.
 */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, p + t_page + 3, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);

	CHECK_OK(t_copy_byte(fd, p + t_page, 0x71, UFFDIO_COPY_MODE_DONTWAKE));
	t_msleep(200);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	/* The data is there already for everybody else. */
	CHECK_EQ(p[t_page], 0x71);

	CHECK_OK(t_wake(fd, p + t_page, (size_t)t_page));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x71);
	t_touch_join(&t);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
