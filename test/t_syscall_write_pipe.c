/*
 * UFFD_USER_MODE_ONLY and a system call reading registered memory (spec
 * 9.4, 14.7): write(pipe) from a missing registered page fails with
 * EFAULT, writes nothing into the pipe and queues no message.
 */
#include "harness.h"

int main(void)
{
	char buf[8], *p;
	struct uffd_msg m;
	int fd, pp[2];

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0);
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(pipe2(pp, O_NONBLOCK));

	CHECK_ERR(write(pp[1], p, 5), EFAULT);
	CHECK_ERR(write(pp[1], p + t_page - 100, 100), EFAULT);
	CHECK_ERR(read(pp[0], buf, sizeof(buf)), EAGAIN);
	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);

	CHECK_OK(t_copy_byte(fd, p, 'x', 0));
	CHECK_EQ(write(pp[1], p, 5), 5);
	CHECK_EQ(read(pp[0], buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "xxxxx", 5) == 0);
	close(fd);
	return 0;
}
