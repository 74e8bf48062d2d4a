/* read() on an O_NONBLOCK uffd with nothing queued fails EAGAIN: before any fault, and again once the only message was read. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m[2];
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	CHECK_ERR(read(fd, m, sizeof(m[0])), EAGAIN);
	CHECK_ERR(read(fd, m, sizeof(m)), EAGAIN);
	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_ERR(read(fd, m, sizeof(m)), EAGAIN);

	t_touch_start(&t, p, 0, 0);
	CHECK(t_read_msg(fd, &m[0], 5000));
	/* Read but unresolved: nothing left to read. */
	CHECK_ERR(read(fd, m, sizeof(m)), EAGAIN);
	CHECK_OK(t_copy_byte(fd, p, 0x01, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_ERR(read(fd, m, sizeof(m)), EAGAIN);
	close(fd);
	return 0;
}
