/*
 * The wake after UFFDIO_COPY covers only [dst, dst + copied) (spec 7.2):
 * a COPY to page 0 leaves a waiter on page 2 blocked; a COPY to page 2
 * wakes it.
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
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, p + 2 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 2 * (uintptr_t)t_page);

	CHECK_OK(t_copy_byte(fd, p, 0x01, 0));
	CHECK_OK(t_copy_byte(fd, p + 3 * t_page, 0x03, 0));
	t_msleep(200);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);

	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x02, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x02);
	t_touch_join(&t);
	close(fd);
	return 0;
}
