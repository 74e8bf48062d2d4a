/*
 * A UFFD_FEATURE_SIGBUS fault cannot be blocked or ignored away (spec
 * 9.5): a process with SIGBUS blocked, one with SIGBUS ignored and one
 * with the default action all die with WTERMSIG == SIGBUS when they touch
 * a missing registered page.  Each case runs in a forked child that opens
 * and registers its own uffd (a fork() child's VMAs are not registered).
 */
#include "harness.h"
#include <sys/prctl.h>

static void child(void *arg)
{
	int how = (int)(intptr_t)arg, fd;
	sigset_t s;
	char *p;

	prctl(PR_SET_DUMPABLE, 0);
	alarm(10);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_SIGBUS);
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);
	if (how == 1) {
		sigemptyset(&s);
		sigaddset(&s, SIGBUS);
		sigprocmask(SIG_BLOCK, &s, NULL);
	} else if (how == 2) {
		signal(SIGBUS, SIG_IGN);
	} else {
		signal(SIGBUS, SIG_DFL);
	}
	(void)*(volatile char *)(p + 3);
	_exit(0);
}

int main(void)
{
	int st, how;

	t_init(30);
	t_require(UFFD_FEATURE_SIGBUS);
	for (how = 0; how < 3; how++) {
		st = t_fork_run(child, (void *)(intptr_t)how);
		CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
			  "case %d: status %#x, expected killed by SIGBUS", how, st);
	}
	return 0;
}
