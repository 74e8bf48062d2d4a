/*
 * UFFDIO_MOVE of a src page shared copy-on-write with a fork() child
 * (spec 7.8): while the child is alive and nobody re-wrote the page, MOVE
 * fails with EBUSY and move == -16 (the page is not exclusive); after the
 * parent writes the page (COW gives it its own copy) the MOVE succeeds and
 * dst has the parent's new data; the child's view is unaffected.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	char *dst, *src;
	int fd, pfd[2], st;
	char c = 0;
	pid_t pid;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(1);
	src = t_map(1);
	memset(src, 0x6e, (size_t)t_page);
	t_register(fd, dst, 1, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(pipe(pfd));

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(20);
		close(pfd[1]);
		/* Wait for the parent, then check our copy. */
		if (read(pfd[0], &c, 1) != 1)
			_exit(10);
		_exit(((volatile char *)src)[0] == 0x6e ? 0 : 11);
	}
	close(pfd[0]);

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EBUSY);
	CHECK_EQ(mv.move, -EBUSY);
	CHECK_EQ(src[0], 0x6e);

	src[0] = 0x6f;		/* COW: the parent's own copy now */
	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, t_page);
	CHECK_EQ(dst[0], 0x6f);
	CHECK_EQ(dst[1], 0x6e);
	CHECK_EQ(src[0], 0);

	CHECK_EQ(write(pfd[1], &c, 1), 1);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	close(fd);
	return 0;
}
