/*
 * After a fork() without EVENT_FORK (spec 9.7) the parent's registration
 * is intact: a fault in the parent still queues a message (while the child
 * is alive and after it exited), is resolved by COPY, and the child never
 * sees the parent's later data (its pages are its own).
 */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	int fd, go[2], res[2], st;
	char *p, c, v;
	pid_t pid;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(res));

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(10);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		v = ((volatile char *)p)[t_page];	/* parent filled it meanwhile */
		(void)!write(res[1], &v, 1);
		_exit(0);
	}

	/* Parent fault while the child lives. */
	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x5a, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x5a);
	t_touch_join(&t);

	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(read(res[0], &v, 1), 1);
	CHECK_EQ(v, 0);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* And after the child is gone. */
	t_touch_start(&t, p + 3 * t_page, 1, 0x13);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_OK(t_zeropage(fd, p + 3 * t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x13);
	t_touch_join(&t);
	close(fd);
	return 0;
}
