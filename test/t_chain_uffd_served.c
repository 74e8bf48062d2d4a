/*
 * uffd faults are served while the program's own SIGSEGV handler is
 * installed, including a fault taken by the thread that owns the handler
 * (the main thread, resolved by a helper thread), faults from several
 * threads at once, and a thread that has SIGSEGV and SIGBUS blocked in its
 * signal mask (a kernel uffd does not use signals).  The handler is never
 * called for them.
 */
#include "harness.h"

static volatile int nsig;
static int ufd;
static char *reg;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	nsig++;
	_exit(5);
}

static void *server(void *arg)
{
	struct uffd_msg m;
	int served = 0;

	(void)arg;
	while (served < 5) {
		if (!t_read_msg(ufd, &m, 10000))
			break;
		if (t_copy_byte(ufd, (void *)(uintptr_t)m.arg.pagefault.address,
				(int)((m.arg.pagefault.address - (uintptr_t)reg) /
				      (uint64_t)t_page) + 0x60, 0) == 0)
			served++;
		else if (errno == EEXIST)
			t_wake(ufd, (void *)(uintptr_t)m.arg.pagefault.address,
			       (size_t)t_page);
	}
	return (void *)(intptr_t)served;
}

static void *masked_toucher(void *arg)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGSEGV);
	sigaddset(&s, SIGBUS);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	return (void *)(intptr_t)*(volatile char *)arg;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	struct t_toucher t[3];
	pthread_t srv, mt;
	void *ret;
	int i;

	t_init(30);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	ufd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	reg = t_map(5);
	t_register(ufd, reg, 5, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(pthread_create(&srv, NULL, server, NULL));

	/* This thread faults itself. */
	CHECK_EQ(((volatile char *)reg)[10], 0x60);
	for (i = 0; i < 3; i++)
		t_touch_start(&t[i], reg + (1 + i) * t_page, 0, 0);
	for (i = 0; i < 3; i++) {
		CHECK(t_touch_wait(&t[i], 10000));
		CHECK_EQ(t[i].seen, 0x61 + i);
		t_touch_join(&t[i]);
	}
	CHECK_OK(pthread_create(&mt, NULL, masked_toucher, reg + 4 * t_page));
	CHECK_OK(pthread_join(mt, &ret));
	CHECK_EQ((intptr_t)ret, 0x64);
	CHECK_OK(pthread_join(srv, &ret));
	CHECK_EQ((intptr_t)ret, 5);
	CHECK_EQ(nsig, 0);
	close(ufd);
	return 0;
}
