/*
 * UFFDIO_MOVE through a uffd whose mm is not the caller's (spec 7.8): a
 * fork() child (no EVENT_FORK) holding the parent's uffd calls MOVE with
 * addresses that are valid in both processes; it fails with EINVAL and the
 * move field untouched (checked before anything else is read).  The
 * parent's dst is still missing afterwards and a MOVE from the parent works.
 */
#include "harness.h"

static int fd;
static char *dst, *src;

static void child(void *arg)
{
	struct uffdio_move mv = { (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	int r;

	(void)arg;
	alarm(10);
	errno = 0;
	r = uffd_ioctl(fd, UFFDIO_MOVE, &mv);
	if (r != -1)
		_exit(10);
	if (errno != EINVAL)
		_exit(11);
	if (mv.move != 0x7777)
		_exit(12);
	/* Invalid arguments do not change the answer. */
	mv.mode = 4;
	errno = 0;
	if (uffd_ioctl(fd, UFFDIO_MOVE, &mv) != -1 || errno != EINVAL || mv.move != 0x7777)
		_exit(13);
	if (src[0] != 0x2a)
		_exit(14);
	_exit(0);
}

int main(void)
{
	struct uffdio_move mv;
	int st;

	t_init(30);
	fd = t_open_api(O_NONBLOCK, 0);
	dst = t_map(1);
	src = t_map(1);
	memset(src, 0x2a, (size_t)t_page);
	t_register(fd, dst, 1, UFFDIO_REGISTER_MODE_MISSING);

	st = t_fork_run(child, NULL);
	CHECK_MSG(WIFEXITED(st), "child status %#x", st);
	CHECK_MSG(WEXITSTATUS(st) == 0, "child exit %d (10: succeeded, 11: wrong errno, "
		  "12: field written, 13: bad mode, 14: src changed)", WEXITSTATUS(st));

	CHECK_EQ(src[0], 0x2a);
	/* A fresh src: the fork made the old one copy-on-write shared. */
	src = t_map(1);
	memset(src, 0x2a, (size_t)t_page);
	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, t_page);
	CHECK_EQ(dst[0], 0x2a);
	close(fd);
	return 0;
}
