/*
 * A handled signal to a thread blocked on a fault whose message was
 * already read (spec 9.3): the handler runs, the page is still missing,
 * the thread faults again and a new message is queued for the same page;
 * after UFFDIO_COPY the thread completes with the data.  Repeated twice.
 */
#include "harness.h"

static volatile int handled;

static void on_usr1(int sig)
{
	(void)sig;
	__atomic_add_fetch(&handled, 1, __ATOMIC_RELEASE);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd, i, round;

	t_init(30);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, p + 7, 1, 0x19);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);

	for (round = 1; round <= 2; round++) {
		t_msleep(50);
		CHECK_OK(pthread_kill(t.thread, SIGUSR1));
		for (i = 0; i < 5000 && __atomic_load_n(&handled, __ATOMIC_ACQUIRE) < round; i++)
			t_msleep(1);
		CHECK_EQ(handled, round);
		CHECK(t_read_msg(fd, &m, 5000));
		CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
		CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
		CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
		CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	}

	CHECK_OK(t_copy_byte(fd, p, 0x2a, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x19);
	CHECK_EQ(p[0], 0x2a);
	CHECK_EQ(p[7], 0x19);
	t_touch_join(&t);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
