/* A blocking read() interrupted by a handled signal without SA_RESTART fails EINTR. */
#include "harness.h"

static volatile sig_atomic_t hits;
static volatile int stop;
static pthread_t main_thread;

static void on_usr1(int sig)
{
	(void)sig;
	hits++;
}

/* Keeps signalling the main thread until it returns from read(). */
static void *signaler(void *arg)
{
	pid_t tid = *(pid_t *)arg;
	int i;

	for (i = 0; i < 5000 && t_thread_state(tid) != 'S'; i++)
		t_msleep(1);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		pthread_kill(main_thread, SIGUSR1);
		t_msleep(50);
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	struct uffd_msg m;
	pthread_t thr;
	pid_t tid;
	ssize_t r;
	int fd, e;

	t_init(30);
	fd = t_open_api(O_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	main_thread = pthread_self();
	tid = (pid_t)syscall(SYS_gettid);
	CHECK(pthread_create(&thr, NULL, signaler, &tid) == 0);
	errno = 0;
	r = read(fd, &m, sizeof(m));
	e = errno;
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(thr, NULL);
	CHECK_MSG(r == -1 && e == EINTR, "read = %zd %s, expected EINTR", r, t_errname(e));
	CHECK(hits >= 1);
	close(fd);
	return 0;
}
