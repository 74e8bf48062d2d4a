/*
 * With SIGSEGV at SIG_DFL a real fault kills the process with SIGSEGV even
 * while a uffd is open and registered: a forked child that never installed
 * a handler, one that installed a handler and then restored SIG_DFL, and
 * one writing a PROT_READ page all die with WTERMSIG == SIGSEGV.
 */
#include "harness.h"
#include <sys/prctl.h>

static char *hole, *ro;

static void on_segv(int sig)
{
	(void)sig;
	_exit(42);
}

static void child_plain(void *arg)
{
	(void)arg;
	prctl(PR_SET_DUMPABLE, 0);
	alarm(10);
	(void)*(volatile char *)hole;
	_exit(0);
}

static void child_restored(void *arg)
{
	(void)arg;
	prctl(PR_SET_DUMPABLE, 0);
	alarm(10);
	signal(SIGSEGV, on_segv);
	signal(SIGSEGV, SIG_DFL);
	(void)*(volatile char *)(hole + 100);
	_exit(0);
}

static void child_ro(void *arg)
{
	(void)arg;
	prctl(PR_SET_DUMPABLE, 0);
	alarm(10);
	*(volatile char *)ro = 1;
	_exit(0);
}

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *reg;
	int fd, st;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	reg = t_map(1);
	t_register(fd, reg, 1, UFFDIO_REGISTER_MODE_MISSING);
	t_touch_start(&t, reg, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_OK(t_copy_byte(fd, reg, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	ro = t_map(1);
	CHECK_OK(mprotect(ro, (size_t)t_page, PROT_READ));
	hole = t_map(1);	/* last mapping: nothing reuses the hole */
	CHECK_OK(munmap(hole, (size_t)t_page));

	st = t_fork_run(child_plain, NULL);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "plain: status %#x", st);
	st = t_fork_run(child_restored, NULL);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "restored: status %#x", st);
	st = t_fork_run(child_ro, NULL);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "PROT_READ: status %#x", st);
	close(fd);
	return 0;
}
