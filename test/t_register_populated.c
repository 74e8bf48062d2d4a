/* Pages written before REGISTER do not fault afterwards and keep their contents; no message is queued. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd, i;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	for (i = 0; i < (int)t_page; i++) {
		p[i] = (char)(i * 7 + 1);
		p[2 * t_page + i] = (char)(i ^ 0x5a);
	}
	CHECK_HEX(t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	t_touch_start(&t, p + 100, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, (char)(100 * 7 + 1));
	t_touch_join(&t);
	t_touch_start(&t, p + 2 * t_page + 3, 1, 0x44);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x44);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	for (i = 0; i < (int)t_page; i++) {
		CHECK_EQ(p[i], (char)(i * 7 + 1));
		if (i != 3)
			CHECK_EQ(p[2 * t_page + i], (char)(i ^ 0x5a));
	}
	/* The untouched page 1 is registered and faults. */
	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
