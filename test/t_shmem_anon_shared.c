/*
 * MISSING on MAP_SHARED|MAP_ANONYMOUS memory (shmem, spec 4.2, 9.1):
 * registers with ioctls 0x13c; a missing page faults and UFFDIO_COPY
 * resolves it; pages are shared with a fork() child (whose copy of the
 * range is unregistered, spec 9.7): the child sees the copied page, and a
 * page the child writes is in the page cache, so the parent's registered
 * mapping maps it without a message.
 */
#include "events_util.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p, s[96];
	pid_t pid;
	int fd, st;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = mmap(NULL, 4 * (size_t)t_page, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK_HEX(t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	t_touch_start(&t, p + t_page + 2, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("read page 1: %s\n", s);
	CHECK_STR(s, "PF +1 0");
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x7b, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x7b);
	t_touch_join(&t);

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(10);
		if (p[t_page] != 0x7b)
			_exit(2);
		p[3 * t_page] = 0x7c;
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	t_touch_start(&t, p + 3 * t_page, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x7c);
	t_touch_join(&t);
	ev_none(fd, "end");
	close(fd);
	return 0;
}
