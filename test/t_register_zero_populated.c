/* A page only read before REGISTER (zero page mapped) is populated: later reads and writes proceed with no message. */
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
	CHECK_EQ(*(volatile char *)p, 0);	/* read fault: maps the zero page */
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + 9, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	t_touch_start(&t, p + 10, 1, 0x2b);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x2b);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[10], 0x2b);
	CHECK_EQ(p[9], 0);
	close(fd);
	return 0;
}
