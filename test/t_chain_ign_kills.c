/*
 * A real fault cannot be ignored or blocked: with SIGSEGV set to SIG_IGN,
 * or blocked with sigprocmask, a fault on unmapped memory still kills the
 * (forked) process with SIGSEGV, with a uffd open and registered.  In the
 * parent, SIG_IGN does not disturb uffd fault handling.
 */
#include "harness.h"
#include <sys/prctl.h>

static char *hole;

static void child_ign(void *arg)
{
	(void)arg;
	prctl(PR_SET_DUMPABLE, 0);
	alarm(10);
	signal(SIGSEGV, SIG_IGN);
	(void)*(volatile char *)hole;
	_exit(0);
}

static void child_blocked(void *arg)
{
	sigset_t s;

	(void)arg;
	prctl(PR_SET_DUMPABLE, 0);
	alarm(10);
	sigemptyset(&s);
	sigaddset(&s, SIGSEGV);
	sigprocmask(SIG_BLOCK, &s, NULL);
	*(volatile char *)hole = 1;
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
	reg = t_map(2);
	t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MISSING);
	hole = t_hole();

	st = t_fork_run(child_ign, NULL);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "SIG_IGN: status %#x", st);
	st = t_fork_run(child_blocked, NULL);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "blocked: status %#x", st);

	signal(SIGSEGV, SIG_IGN);
	t_touch_start(&t, reg + t_page, 1, 0x17);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)reg + (uintptr_t)t_page);
	CHECK_OK(t_copy_byte(fd, reg + t_page, 0, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x17);
	t_touch_join(&t);
	close(fd);
	return 0;
}
