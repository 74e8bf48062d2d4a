/* Re-registering the same range (or a sub-range) with the same uffd succeeds; a fault still yields exactly one message. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m[2];
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	CHECK_HEX(t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_HEX(t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_HEX(t_register(fd, p + t_page, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_HEX(t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	t_msleep(50);
	CHECK_EQ(t_drain(fd, m, 2), 1);
	CHECK_HEX(m[0].arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x4d, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x4d);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, m, 2), 0);
	close(fd);
	return 0;
}
