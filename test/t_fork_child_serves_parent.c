/*
 * A uffd is bound to the mm that created it (spec 2.1, 9.7): a fork()
 * child holds a copy of the descriptor that still refers to the parent's
 * context, so the child can read the parent's fault messages and resolve
 * them with UFFDIO_COPY - the data lands in the parent's page and wakes
 * the parent's blocked thread - while the child's own copy of the range
 * is unregistered and untouched.
 */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	int fd, go[2], st;
	pid_t pid;
	char *p, c;

	t_init(30);
	fd = t_open_api(O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(pipe(go));

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(10);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		if (!t_read_msg(fd, &m, 5000))
			_exit(3);
		if (m.event != UFFD_EVENT_PAGEFAULT ||
		    m.arg.pagefault.address != (uintptr_t)p + (uintptr_t)t_page)
			_exit(4);
		if (t_copy_byte(fd, p + t_page, 0x5c, 0))
			_exit(5);
		/* The child's own page is a separate, unregistered one. */
		if (((volatile char *)p)[t_page] != 0)
			_exit(6);
		_exit(0);
	}

	t_touch_start(&t, p + t_page + 2, 0, 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x5c);
	t_touch_join(&t);
	CHECK_EQ(p[t_page + 100], 0x5c);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
