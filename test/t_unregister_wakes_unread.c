/* UNREGISTER wakes a MISSING faulter whose message was not read: the thread completes and the message disappears (read -> EAGAIN). */
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
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 1, 0x31);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	t_unregister(fd, p, 1);		/* just the faulting page */
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x31);
	t_touch_join(&t);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
