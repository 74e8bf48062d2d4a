/*
 * UFFDIO_POISON wake rules (spec 7.2, 7.7): with POISON_MODE_DONTWAKE the
 * thread blocked on the page stays blocked (poll shows no new message);
 * UFFDIO_WAKE then lets it re-execute the access, which raises SIGBUS in
 * that thread (BUS_ADRERR, exact address) - no new uffd message.  Without
 * DONTWAKE the poison wakes a second blocked thread directly, with the
 * same outcome.
 */
#include "harness.h"
#include <setjmp.h>

static __thread sigjmp_buf env;
static char *p;

struct reader {
	pthread_t th;
	char *addr;
	volatile int done, got;
	void *volatile fault_addr;
	volatile int code;
};
static __thread struct reader *self;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (!self)
		_exit(4);	/* SIGBUS outside a reader */
	self->fault_addr = si->si_addr;
	self->code = si->si_code;
	siglongjmp(env, 1);
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	self = r;
	if (sigsetjmp(env, 1) == 0)
		(void)*(volatile char *)r->addr;
	else
		r->got = 1;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void start(struct reader *r, char *a)
{
	memset(r, 0, sizeof(*r));
	r->addr = a;
	CHECK_OK(-pthread_create(&r->th, NULL, reader_main, r));
}

static bool wait_done(struct reader *r)
{
	for (int i = 0; i < 5000; i++) {
		if (__atomic_load_n(&r->done, __ATOMIC_ACQUIRE))
			return true;
		t_msleep(1);
	}
	return false;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	struct uffdio_poison po;
	struct reader a, b;
	struct uffd_msg m;
	int fd;

	t_init(30);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGBUS, &sa, NULL));
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	start(&a, p + 0x10);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	po = (struct uffdio_poison){ { (uintptr_t)p, (uint64_t)t_page },
				     UFFDIO_POISON_MODE_DONTWAKE, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &po));
	CHECK_EQ(po.updated, t_page);
	t_msleep(100);	/* a wrongly woken thread would have finished by now */
	CHECK(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));
	CHECK_OK(t_wake(fd, p, (size_t)t_page));
	CHECK(wait_done(&a));
	CHECK_EQ(a.got, 1);
	CHECK_EQ(a.code, BUS_ADRERR);
	CHECK(a.fault_addr == p + 0x10);
	pthread_join(a.th, NULL);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	start(&b, p + t_page + 0x20);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	po = (struct uffdio_poison){ { (uintptr_t)p + t_page, (uint64_t)t_page }, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &po));
	CHECK(wait_done(&b));
	CHECK_EQ(b.got, 1);
	CHECK_EQ(b.code, BUS_ADRERR);
	CHECK(b.fault_addr == p + t_page + 0x20);
	pthread_join(b.th, NULL);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
