/*
 * Errors of a uffd used from another process (spec 2.1, 7.1, 7.8).  The
 * uffd's creator P registers 4 pages and passes the descriptor to its child
 * C over a UNIX socket (SCM_RIGHTS); C closes the copy it inherited first.
 *
 * While P lives: UFFDIO_MOVE from C fails with EINVAL and leaves the move
 * field untouched (moves only within the uffd's own mm); UFFDIO_COPY from C
 * works (the page lands in P's memory).
 *
 * After P has exited (the uffd's mm is gone), C still holds the descriptor:
 * UFFDIO_COPY and UFFDIO_ZEROPAGE fail with ESRCH, their result field
 * untouched; UFFDIO_REGISTER and UFFDIO_UNREGISTER fail with ENOMEM;
 * read() finds nothing (EAGAIN) and poll() reports nothing.
 *
 * This process is a subreaper, so that C, orphaned by P's exit, is its to
 * wait for.
 */
#include "xproc_util.h"

#define SENTINEL 0x7777

static void child(int inherited, int sock, int gone)
{
	struct xp_region r;
	struct uffdio_copy cp;
	struct uffdio_zeropage zp;
	struct uffdio_move mv;
	struct uffdio_register reg;
	struct uffdio_range range;
	struct uffd_msg m;
	char *mine, c;
	int fd;

	alarm(20);
	CHECK_OK(close(inherited));
	fd = xp_recv_fd(sock, &r, sizeof(r), 10000);
	CHECK_MSG(fd >= 0, "recvmsg(SCM_RIGHTS): %s", t_errname(errno));
	CHECK_EQ(r.page_size, t_page);
	mine = t_map(1);
	memset(mine, 0x6b, (size_t)t_page);

	/* The owner is alive: no cross-mm move, but a copy works. */
	mv = (struct uffdio_move){ .dst = r.base, .src = (uintptr_t)mine,
				   .len = r.page_size, .move = SENTINEL };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, SENTINEL);
	cp = (struct uffdio_copy){ .dst = r.base, .src = (uintptr_t)mine,
				   .len = r.page_size, .copy = SENTINEL };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &cp));
	CHECK_EQ(cp.copy, r.page_size);

	/* Let the owner go, and wait until it has. */
	CHECK_EQ(write(sock, "d", 1), 1);
	CHECK_MSG(xp_read_full(gone, &c, 1, 10000), "no word that the owner exited");

	cp = (struct uffdio_copy){ .dst = r.base + r.page_size, .src = (uintptr_t)mine,
				   .len = r.page_size, .copy = SENTINEL };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &cp), ESRCH);
	CHECK_EQ(cp.copy, SENTINEL);
	zp = (struct uffdio_zeropage){ .range = { r.base + r.page_size, r.page_size },
				       .zeropage = SENTINEL };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &zp), ESRCH);
	CHECK_EQ(zp.zeropage, SENTINEL);
	reg = (struct uffdio_register){ .range = { r.base, r.len },
					.mode = UFFDIO_REGISTER_MODE_MISSING,
					.ioctls = SENTINEL };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), ENOMEM);
	CHECK_EQ(reg.ioctls, SENTINEL);
	range = (struct uffdio_range){ r.base, r.len };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, &range), ENOMEM);
	mv = (struct uffdio_move){ .dst = r.base + r.page_size, .src = (uintptr_t)mine,
				   .len = r.page_size, .move = SENTINEL };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, SENTINEL);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);
	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);
	CHECK_OK(close(fd));
	_exit(0);
}

/* P: the uffd's creator; exits when C says so. */
static void owner(int gone)
{
	int fd, sock;
	char *area;
	pid_t c;

	c = xp_fork_receiver(4, child, gone, &fd, &area, &sock);	/* may skip */
	xp_await_receiver(c, sock);
	/* The page C copied is in this memory. */
	CHECK_EQ(area[100], 0x6b);
	_exit(0);
}

int main(void)
{
	t_init(30);
	return xp_run_creator_gone(owner);
}
