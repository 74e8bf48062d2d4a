/*
 * UFFDIO_MOVE of a src page that was shared copy-on-write with a fork()
 * child which has since exited, the page never re-written (spec 7.8,
 * probe4b): still EBUSY with move == -16 - the kernel goes by the page's
 * "anon exclusive" state, which only a write fault (COW reuse) restores,
 * not by the current map count.  After the parent writes the page, MOVE
 * succeeds.
 */
#include "harness.h"

static void child(void *arg)
{
	(void)arg;
}

int main(void)
{
	struct uffdio_move mv;
	char *dst, *src;
	int fd, st;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(1);
	src = t_map(1);
	memset(src, 0x4f, (size_t)t_page);
	t_register(fd, dst, 1, UFFDIO_REGISTER_MODE_MISSING);

	st = t_fork_run(child, NULL);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EBUSY);
	CHECK_EQ(mv.move, -EBUSY);
	CHECK_EQ(src[0], 0x4f);

	src[1] = 0x50;
	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, t_page);
	CHECK_EQ(dst[0], 0x4f);
	CHECK_EQ(dst[1], 0x50);
	close(fd);
	return 0;
}
