/* read() with count < 32 (0, 1, 31) fails EINVAL and dequeues nothing; it never blocks. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char buf[64];
	char *p;
	int fd, bl;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	bl = t_open_api(O_CLOEXEC, 0);
	/* Blocking uffd, nothing queued: still EINVAL at once. */
	CHECK_ERR(read(bl, buf, 0), EINVAL);
	CHECK_ERR(read(bl, buf, 31), EINVAL);
	CHECK_ERR(read(fd, buf, 16), EINVAL);

	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 0, 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	memset(buf, 0xee, sizeof(buf));
	CHECK_ERR(read(fd, buf, 0), EINVAL);
	CHECK_ERR(read(fd, buf, 1), EINVAL);
	CHECK_ERR(read(fd, buf, 31), EINVAL);
	CHECK_EQ((unsigned char)buf[0], 0xee);
	/* The message is still pending. */
	CHECK_EQ(t_poll(fd, POLLIN, 0), POLLIN);
	CHECK_EQ(read(fd, &m, sizeof(m)), (ssize_t)sizeof(m));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	close(bl);
	return 0;
}
