/*
 * A handled signal interrupts a user-mode fault wait (spec 9.3): SIGUSR1
 * sent to a thread blocked on a MISSING fault whose message was never read
 * runs the handler while the page is still missing; the thread re-executes
 * the access and faults again, the old unread message is gone, so exactly
 * one message is pending.  After UFFDIO_COPY the thread completes.
 */
#include "harness.h"

static volatile int handled;
static volatile pid_t handler_tid;

static void on_usr1(int sig)
{
	(void)sig;
	handler_tid = (pid_t)syscall(SYS_gettid);
	__atomic_add_fetch(&handled, 1, __ATOMIC_RELEASE);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct t_toucher t;
	struct uffd_msg m[4];
	char *p;
	int fd, i;

	t_init(30);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, p + 40, 0, 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	t_msleep(100);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));

	CHECK_OK(pthread_kill(t.thread, SIGUSR1));
	for (i = 0; i < 5000 && !__atomic_load_n(&handled, __ATOMIC_ACQUIRE); i++)
		t_msleep(1);
	CHECK_EQ(handled, 1);
	CHECK_EQ(handler_tid, t.tid);
	t_msleep(200);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));

	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	CHECK_EQ(t_drain(fd, m, 4), 1);
	CHECK_EQ(m[0].event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m[0].arg.pagefault.address, (uintptr_t)p);
	CHECK_HEX(m[0].arg.pagefault.flags, 0);

	/* The page is still missing: the first COPY succeeds. */
	CHECK_OK(t_copy_byte(fd, p, 0x7c, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x7c);
	t_touch_join(&t);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
