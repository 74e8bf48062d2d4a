/*
 * UFFD_USER_MODE_ONLY and a system call writing into registered memory
 * (spec 9.4, 14.7): read(pipe) into a missing registered page fails with
 * EFAULT, consumes nothing from the pipe and queues no message; the page
 * is still missing, and a user-mode access still produces a message.
 */
#include "harness.h"

int main(void)
{
	char buf[8] = { 0 }, *p;
	struct t_toucher t;
	struct uffd_msg m;
	int fd, pp[2];

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(pipe2(pp, O_NONBLOCK));

	CHECK_EQ(write(pp[1], "hello", 5), 5);
	CHECK_ERR(read(pp[0], p + 100, 5), EFAULT);
	CHECK_ERR(read(pp[0], p + t_page - 2, 5), EFAULT);	/* straddles into page 1 */
	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);
	CHECK_EQ(read(pp[0], buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);

	t_touch_start(&t, p + 100, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_OK(t_copy_byte(fd, p, 0x2b, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x2b);
	t_touch_join(&t);

	/* Resolved: the syscall now works. */
	CHECK_EQ(write(pp[1], "world", 5), 5);
	CHECK_EQ(read(pp[0], p + 100, 5), 5);
	CHECK(memcmp(p + 100, "world", 5) == 0);
	CHECK_OK(t_copy_byte(fd, p + t_page, 1, 0));	/* page 1 untouched */
	close(fd);
	return 0;
}
