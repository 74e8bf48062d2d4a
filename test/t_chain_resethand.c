/*
 * SA_RESETHAND on a program's SIGSEGV handler with a uffd active: the first
 * real fault runs the handler once and resets the disposition to SIG_DFL
 * (sigaction query shows SIG_DFL), so the next real fault kills (checked
 * in a forked child: WTERMSIG == SIGSEGV).  uffd faults never consume the
 * one-shot handler.
 */
#include "harness.h"
#include <setjmp.h>
#include <sys/prctl.h>

static sigjmp_buf env;
static volatile int nsig;
static char *hole;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	nsig++;
	siglongjmp(env, 1);
}

static void child_fault(void *arg)
{
	(void)arg;
	prctl(PR_SET_DUMPABLE, 0);
	alarm(10);
	(void)*(volatile char *)hole;
	_exit(0);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO | SA_RESETHAND };
	struct sigaction old;
	struct t_toucher t;
	struct uffd_msg m;
	char *reg;
	int fd, st;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	reg = t_map(2);
	t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MISSING);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));

	/* A uffd fault first: the one-shot handler is not used up. */
	t_touch_start(&t, reg, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_OK(t_copy_byte(fd, reg, 0x1d, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(nsig, 0);
	CHECK_OK(sigaction(SIGSEGV, NULL, &old));
	CHECK(old.sa_sigaction == on_segv);

	hole = t_map(1);	/* last mapping: nothing reuses the hole */
	CHECK_OK(munmap(hole, (size_t)t_page));
	if (sigsetjmp(env, 1) == 0) {
		(void)*(volatile char *)hole;
		CHECK_MSG(0, "no SIGSEGV");
	}
	CHECK_EQ(nsig, 1);
	CHECK_OK(sigaction(SIGSEGV, NULL, &old));
	CHECK(old.sa_handler == SIG_DFL);

	st = t_fork_run(child_fault, NULL);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
		  "child status %#x, expected killed by SIGSEGV", st);
	CHECK_EQ(nsig, 1);

	/* uffd faults are still served with SIG_DFL in place. */
	t_touch_start(&t, reg + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_OK(t_copy_byte(fd, reg + t_page, 0x1e, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x1e);
	t_touch_join(&t);
	close(fd);
	return 0;
}
