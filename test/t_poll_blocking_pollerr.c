/* poll() on an initialized uffd without O_NONBLOCK reports POLLERR at once, with or without a fault pending. */
#include "harness.h"

static int poll1(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	CHECK_EQ(poll(&pfd, 1, 10000), 1);	/* must not wait */
	return pfd.revents;
}

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(60);
	fd = t_open_api(O_CLOEXEC, 0);
	CHECK_HEX(poll1(fd, POLLIN), POLLERR);
	CHECK_HEX(poll1(fd, POLLIN | POLLOUT), POLLERR);
	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));	/* blocking read */
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	/* Re-queue an unread message with WAKE (the thread re-faults). */
	CHECK_OK(t_wake(fd, p, (size_t)t_page));
	t_msleep(100);	/* let the woken thread re-fault; POLLERR either way */
	CHECK_HEX(poll1(fd, POLLIN), POLLERR);
	CHECK_HEX(poll1(fd, 0), POLLERR);
	CHECK_EQ(read(fd, &m, sizeof(m)), (ssize_t)sizeof(m));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
