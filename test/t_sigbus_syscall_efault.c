/*
 * UFFD_FEATURE_SIGBUS and kernel-mode accesses (spec 9.4, 9.5): read(pipe)
 * into a missing registered page and write(pipe) from one fail with EFAULT
 * (no signal, nothing consumed from or written to the pipe, no message).
 */
#include "harness.h"

static volatile int nsig;

static void on_bus(int sig)
{
	(void)sig;
	nsig++;
}

int main(void)
{
	char buf[8] = { 0 }, *p;
	int fd, pp[2];
	struct uffd_msg m;

	t_init(30);
	t_require(UFFD_FEATURE_SIGBUS);
	signal(SIGBUS, on_bus);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_SIGBUS);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(pipe2(pp, O_NONBLOCK));

	CHECK_EQ(write(pp[1], "hello", 5), 5);
	CHECK_ERR(read(pp[0], p + 100, 5), EFAULT);
	CHECK_EQ(read(pp[0], buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);

	CHECK_ERR(write(pp[1], p + t_page, 5), EFAULT);
	CHECK_ERR(read(pp[0], buf, sizeof(buf)), EAGAIN);

	CHECK_EQ(nsig, 0);
	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);
	/* Both pages are still missing. */
	CHECK_OK(t_copy_byte(fd, p, 1, 0));
	CHECK_OK(t_copy_byte(fd, p + t_page, 1, 0));
	close(fd);
	return 0;
}
