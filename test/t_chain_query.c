/*
 * sigaction() queries return what the program installed, not whatever an
 * engine uses internally: with a uffd open, registered and after a served
 * fault, SIGSEGV and SIGBUS read back as SIG_DFL; after the program
 * installs a handler, the query returns that handler, its SA_SIGINFO /
 * SA_RESTART flags and its mask; the old-action output of a replacing
 * sigaction() and signal()'s return value report the previous handler.
 */
#include "harness.h"

static void h1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
}

static void h2(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction sa, old;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);
	t_touch_start(&t, p, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_OK(t_copy_byte(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);

	CHECK_OK(sigaction(SIGSEGV, NULL, &old));
	CHECK(old.sa_handler == SIG_DFL);
	CHECK_EQ(old.sa_flags & SA_SIGINFO, 0);
	CHECK_OK(sigaction(SIGBUS, NULL, &old));
	CHECK(old.sa_handler == SIG_DFL);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = h1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	memset(&old, 0, sizeof(old));
	CHECK_OK(sigaction(SIGSEGV, NULL, &old));
	CHECK(old.sa_sigaction == h1);
	CHECK_EQ(old.sa_flags & (SA_SIGINFO | SA_RESTART | SA_RESETHAND | SA_NODEFER),
		 SA_SIGINFO | SA_RESTART);
	CHECK_EQ(sigismember(&old.sa_mask, SIGUSR2), 1);
	CHECK_EQ(sigismember(&old.sa_mask, SIGUSR1), 0);

	/* Replace: the old action is h1. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h2;
	sigemptyset(&sa.sa_mask);
	memset(&old, 0, sizeof(old));
	CHECK_OK(sigaction(SIGSEGV, &sa, &old));
	CHECK(old.sa_sigaction == h1);
	CHECK(old.sa_flags & SA_SIGINFO);
	CHECK(signal(SIGSEGV, SIG_DFL) == h2);
	CHECK(signal(SIGSEGV, h2) == SIG_DFL);
	CHECK_OK(sigaction(SIGSEGV, NULL, &old));
	CHECK(old.sa_handler == h2);
	CHECK_EQ(old.sa_flags & SA_SIGINFO, 0);

	/* SIGBUS likewise. */
	CHECK(signal(SIGBUS, h2) == SIG_DFL);
	CHECK_OK(sigaction(SIGBUS, NULL, &old));
	CHECK(old.sa_handler == h2);
	CHECK(signal(SIGBUS, SIG_IGN) == h2);
	CHECK_OK(sigaction(SIGBUS, NULL, &old));
	CHECK(old.sa_handler == SIG_IGN);
	close(fd);
	return 0;
}
