/* After UNREGISTER of part of a range, accesses there zero-fill with no message while the rest still faults. */
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
	t_unregister(fd, p + t_page, 1);

	t_touch_start(&t, p + t_page + 1, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	t_touch_start(&t, p + t_page + 2, 1, 0x72);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x72);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* Pages 0 and 2 are still registered. */
	t_touch_start(&t, p + 2 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 2 * t_page);
	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x12, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);

	/* Unregister everything: page 0 is now ordinary memory. */
	t_unregister(fd, p, 3);
	p[5] = 9;
	CHECK_EQ(p[5], 9);
	CHECK_EQ(p[t_page + 2], 0x72);
	CHECK_EQ(p[2 * t_page], 0x12);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
