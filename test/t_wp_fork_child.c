/*
 * fork() without UFFD_FEATURE_EVENT_FORK and write protection (spec 8,
 * 9.7): in the child the protection is dropped - its writes to protected
 * pages proceed (and see its own data), with no message on the parent's
 * uffd; the parent's pages keep their contents and stay protected (a
 * write in the parent is still a WP fault, before and after the child
 * exited).
 */
#include "harness.h"

static char *p;

static void child(void *arg)
{
	volatile char *v = p;

	(void)arg;
	alarm(10);
	if (v[0] != 0x31 || v[t_page] != 0x32)
		_exit(10);
	v[5] = 0x41;
	v[t_page + 5] = 0x42;
	if (v[5] != 0x41 || v[t_page + 5] != 0x42 || v[4] != 0x31)
		_exit(11);
	_exit(0);
}

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher t;
	struct uffd_msg m;
	int fd, st;
	pid_t pid;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	memset(p, 0x31, (size_t)t_page);
	memset(p + t_page, 0x32, (size_t)t_page);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	st = t_fork_run(child, NULL);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[5], 0x31);
	CHECK_EQ(p[t_page + 5], 0x32);

	/* The parent's page 0 is still protected. */
	t_touch_start(&t, p + 5, 1, 0x51);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[5], 0x51);

	/* With a child alive (blocked in pause), page 1 is still protected. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(20);
		pause();
		_exit(0);
	}
	t_touch_start(&t, p + t_page + 6, 1, 0x52);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p + t_page, (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[t_page + 6], 0x52);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(fd);
	return 0;
}
