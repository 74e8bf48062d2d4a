/*
 * fork() without UFFD_FEATURE_EVENT_FORK (spec 9.7): in the child the
 * registered range behaves as unregistered - reading a missing page gives
 * 0 without blocking, writing one works - while pages filled before the
 * fork keep their contents; the parent's uffd sees no message at all.
 */
#include "harness.h"

static char *p;

static void child(void *arg)
{
	volatile char *v = p;

	(void)arg;
	alarm(10);
	if (v[0] != 0x31 || v[t_page - 1] != 0x31)
		_exit(10);
	if (v[t_page] != 0)		/* missing page: zero page */
		_exit(11);
	v[2 * t_page + 7] = 0x77;	/* missing page: private zero-filled */
	if (v[2 * t_page + 7] != 0x77 || v[2 * t_page] != 0)
		_exit(12);
	v[0] = 0x32;			/* COW of a present page */
	if (v[0] != 0x32)
		_exit(13);
	_exit(0);
}

int main(void)
{
	struct uffd_msg m;
	int fd, st;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, p, 0x31, 0));

	st = t_fork_run(child, NULL);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* The parent's pages are untouched by the child. */
	CHECK_EQ(p[0], 0x31);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x01, 0));
	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x02, 0));
	CHECK_EQ(p[2 * t_page + 7], 0x02);
	close(fd);
	return 0;
}
