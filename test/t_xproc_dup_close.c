/* SPDX-License-Identifier: MIT */
/*
 * A received uffd is one open file however many descriptors name it:
 * closing one copy leaves the others working.  The creator P registers 4
 * pages and sends the uffd to its child C (which closed the copy it
 * inherited); C dups it, closes the received descriptor, and through the
 * dup zero-fills a page of P's (UFFDIO_ZEROPAGE), then with a dup of the
 * dup closed too, copies another page.
 */
#include "xproc_util.h"

static void child(int inherited, int sock, int unused)
{
	struct uffdio_zeropage zp;
	struct uffdio_copy cp;
	struct xp_region r;
	int fd, d, d2;
	char *mine;

	(void)unused;
	alarm(20);
	CHECK_OK(close(inherited));
	fd = xp_recv_fd(sock, &r, sizeof(r), 10000);
	CHECK_MSG(fd >= 0, "recvmsg(SCM_RIGHTS): %s", t_errname(errno));
	d = dup(fd);
	CHECK_OK(d);
	CHECK_OK(close(fd));
	zp = (struct uffdio_zeropage){ .range = { r.base, r.page_size } };
	CHECK_OK(uffd_ioctl(d, UFFDIO_ZEROPAGE, &zp));
	CHECK_EQ(zp.zeropage, r.page_size);

	d2 = fcntl(d, F_DUPFD_CLOEXEC, 0);
	CHECK_OK(d2);
	CHECK_OK(close(d));
	mine = t_map(1);
	memset(mine, 0x5c, (size_t)t_page);
	cp = (struct uffdio_copy){ .dst = r.base + r.page_size, .src = (uintptr_t)mine,
				   .len = r.page_size };
	CHECK_OK(uffd_ioctl(d2, UFFDIO_COPY, &cp));
	CHECK_EQ(cp.copy, r.page_size);
	CHECK_EQ(t_poll(d2, POLLIN, 0), 0);
	CHECK_OK(close(d2));
	CHECK_EQ(write(sock, "d", 1), 1);
	_exit(0);
}

int main(void)
{
	int fd, sock, st;
	pid_t c;
	char *area, b;

	t_init(30);
	c = xp_fork_receiver(4, child, 0, &fd, &area, &sock);
	xp_read_full(sock, &b, 1, 10000);
	CHECK_EQ(waitpid(c, &st, 0), c);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	/* What C did landed here. */
	CHECK_EQ(area[10], 0);
	CHECK_EQ(area[t_page + 10], 0x5c);
	close(fd);
	return 0;
}
