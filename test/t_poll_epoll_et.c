/* Edge-triggered epoll on an O_NONBLOCK uffd reports a new message once; a later fault is a new edge. */
#include "harness.h"
#include <sys/epoll.h>

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out[2];
	struct t_toucher t, u;
	struct uffd_msg m;
	char *p;
	int fd, ep;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	ev.data.fd = fd;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);

	p = t_map(2);
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 0, 0);
	CHECK_EQ(epoll_wait(ep, out, 2, 5000), 1);
	CHECK_HEX(out[0].events, EPOLLIN);
	/* Still unread, but no new edge. */
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
	CHECK_EQ(read(fd, &m, sizeof(m)), (ssize_t)sizeof(m));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);

	/* A second fault is a new edge. */
	t_touch_start(&u, p + t_page, 0, 0);
	CHECK_EQ(epoll_wait(ep, out, 2, 5000), 1);
	CHECK_HEX(out[0].events, EPOLLIN);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
	CHECK_EQ(read(fd, &m, sizeof(m)), (ssize_t)sizeof(m));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);

	CHECK_OK(t_zeropage(fd, p, 2, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK(t_touch_wait(&u, 5000));
	t_touch_join(&t);
	t_touch_join(&u);
	close(ep);
	close(fd);
	return 0;
}
