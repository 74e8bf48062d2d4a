/* SPDX-License-Identifier: MIT */
/*
 * A blocking read() of the uffd of a fork() child (EVENT_FORK, the uffd
 * created without O_NONBLOCK) after the child has exited: as with the
 * kernel, it waits -- no end of file, no error -- until a signal ends it
 * (EINTR, the handler installed without SA_RESTART).  poll() of that
 * blocking descriptor still reports POLLERR.
 */
#include "gone_util.h"

struct blocked_read {
	pthread_t thread;
	int fd;
	pid_t tid;
	ssize_t r;
	int err;
	volatile int done;
};

static void *read_main(void *p)
{
	struct blocked_read *b = p;
	struct uffd_msg m;

	__atomic_store_n(&b->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	b->r = read(b->fd, &m, sizeof(m));
	b->err = errno;
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction sa;
	struct blocked_read b = { 0 };
	int cfd, i;

	t_init(60);
	cfd = gone_child_uffd(O_CLOEXEC);
	CHECK_EQ(t_poll(cfd, POLLIN, 0), POLLERR);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;		/* no SA_RESTART */
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	b.fd = cfd;
	CHECK_OK(-pthread_create(&b.thread, NULL, read_main, &b));
	/* Wait (bounded) until the reader sleeps, and a little more. */
	for (i = 0; i < 10000; i++) {
		pid_t tid = __atomic_load_n(&b.tid, __ATOMIC_ACQUIRE);

		if (__atomic_load_n(&b.done, __ATOMIC_ACQUIRE) ||
		    (tid && t_thread_state(tid) == 'S'))
			break;
		t_msleep(1);
	}
	t_msleep(50);
	CHECK_MSG(!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE),
		  "read() returned %zd (%s) without a message", b.r, t_errname(b.err));
	CHECK_OK(-pthread_kill(b.thread, SIGUSR1));
	CHECK_OK(-pthread_join(b.thread, NULL));
	CHECK_EQ(b.r, -1);
	CHECK_EQ(b.err, EINTR);
	close(cfd);
	return 0;
}
