/*
 * UFFDIO_ZEROPAGE_MODE_DONTWAKE (spec 7.2, 7.5): the zero page is mapped
 * but the blocked thread stays blocked until UFFDIO_WAKE, then reads 0.
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

	t_touch_start(&t, p + 1, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_OK(t_zeropage(fd, p, 1, UFFDIO_ZEROPAGE_MODE_DONTWAKE));
	t_msleep(200);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	/* Installed already: a second ZEROPAGE is EEXIST. */
	CHECK_ERR(t_zeropage(fd, p, 1, 0), EEXIST);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));

	CHECK_OK(t_wake(fd, p, (size_t)t_page));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	close(fd);
	return 0;
}
