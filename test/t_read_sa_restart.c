/* With SA_RESTART a blocking read() survives signals and returns the message of a later fault. */
#include "harness.h"

static volatile sig_atomic_t hits;
static char *page;
static struct t_toucher toucher;

static void on_usr1(int sig)
{
	(void)sig;
	hits++;
}

/* Signals the main thread three times while it sleeps in read(), then faults. */
static void *driver(void *arg)
{
	pthread_t main_thread = *(pthread_t *)arg;
	pid_t main_tid = getpid();
	int n, i;

	for (n = 0; n < 3; n++) {
		for (i = 0; i < 5000 && t_thread_state(main_tid) != 'S'; i++)
			t_msleep(1);
		t_msleep(20);
		pthread_kill(main_thread, SIGUSR1);
		for (i = 0; i < 5000 && hits <= n; i++)
			t_msleep(1);
	}
	for (i = 0; i < 5000 && t_thread_state(main_tid) != 'S'; i++)
		t_msleep(1);
	t_touch_start(&toucher, page + 3, 0, 0);
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	struct uffd_msg m;
	pthread_t thr, self;
	ssize_t r;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC, UFFD_FEATURE_THREAD_ID);
	page = t_map(1);
	CHECK_HEX(t_register(fd, page, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	self = pthread_self();
	CHECK(pthread_create(&thr, NULL, driver, &self) == 0);
	r = read(fd, &m, sizeof(m));
	CHECK_MSG(r == (ssize_t)sizeof(m), "read = %zd %s", r, t_errname(errno));
	pthread_join(thr, NULL);
	CHECK_EQ(hits, 3);
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)page);
	CHECK_EQ(m.arg.pagefault.feat.ptid, toucher.tid);
	CHECK_OK(t_copy_byte(fd, page, 0x17, 0));
	CHECK(t_touch_wait(&toucher, 5000));
	CHECK_EQ(toucher.seen, 0x17);
	t_touch_join(&toucher);
	close(fd);
	return 0;
}
