/* pread() on a uffd fails ESPIPE (with or without a message pending) and does not consume the message. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	CHECK_ERR(pread(fd, &m, sizeof(m), 0), ESPIPE);
	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 0, 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	CHECK_ERR(pread(fd, &m, sizeof(m), 0), ESPIPE);
	CHECK_ERR(pread(fd, &m, sizeof(m), 32), ESPIPE);
	CHECK_EQ(read(fd, &m, sizeof(m)), (ssize_t)sizeof(m));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
