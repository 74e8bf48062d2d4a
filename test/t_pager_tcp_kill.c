/* SPDX-License-Identifier: MIT */
/*
 * Pager, page server killed mid-restore (SIGKILL, in its own process):
 * every policy ends in its configured outcome, and nothing hangs.
 *
 *   ZERO	pages fetched before the kill are right; every later fault
 *		is resolved with a zero page; uffd_pager_wait says EIO and
 *		uffd_pager_error names the server.
 *   SIGBUS	(the default) the faulting thread gets SIGBUS: the restoring
 *		process, a child here, dies of it.
 *   WAIT	the faulting thread waits; the server comes back on the same
 *		address; the fault completes with the right contents.
 *   prefetch	killed while the prefetcher runs (ZERO): every page ends up
 *		either right or zero, and waiting ends.
 */
#include "pager_util.h"
#include <sys/prctl.h>

#define NPAGES 4096
#define ZERO_EVERY 7

static const char *img;

/* A page server in a child process; its pid, *addr gets its address. */
static pid_t server(const char *want, char *addr, size_t size)
{
	int pfd[2];
	pid_t pid;
	ssize_t n;

	CHECK_OK(pipe(pfd));
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct uffd_server *s;
		const char *a;

		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* never outlive the test */
		s = uffd_server_start(want, img);
		a = s ? uffd_server_address(s) : "";

		if (write(pfd[1], a, strlen(a) + 1) < 0)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	n = read(pfd[0], addr, size);
	close(pfd[0]);
	CHECK_MSG(n > 1, "page server did not start");
	return pid;
}

static void kill_server(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static struct uffd_pager *pager(const char *addr, unsigned flags,
				enum uffd_pager_on_error on_error)
{
	return tp_pager(uffd_store_tcp_open(addr, 0, 1000),
			&(struct uffd_pager_config){ .flags = flags,
				.on_error = on_error, .timeout_ms = 300 });
}

static void zero_policy(void)
{
	struct uffd_pager_stats st;
	struct uffd_pager *p;
	char addr[128];
	pid_t srv = server("127.0.0.1:0", addr, sizeof(addr));
	size_t i;
	char *m;

	p = pager(addr, UFFD_PAGER_NO_PREFETCH, UFFD_ON_ERROR_ZERO);
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK(m);
	tp_touch(m, NPAGES / 2, NULL);
	kill_server(srv);
	tp_touch(m + NPAGES / 2 * (size_t)t_page, NPAGES / 2, NULL);
	tp_verify(m, NPAGES / 2, 0, ZERO_EVERY);
	for (i = NPAGES / 2; i < NPAGES; i++)
		CHECK_MSG(tp_page_bad(m + i * (size_t)t_page, i, 1) < 0,
			  "page %zu not zero-filled", i);
	CHECK_ERR(uffd_pager_wait(p, 5000), EIO);
	CHECK_OK(uffd_pager_stats(p, -1, &st));
	CHECK_EQ(st.lost_pages, NPAGES / 2);
	CHECK_EQ(st.present, NPAGES);
	CHECK(st.store_errors > 0);
	CHECK_MSG(uffd_pager_error(p) && strstr(uffd_pager_error(p), addr),
		  "error: %s", uffd_pager_error(p) ? uffd_pager_error(p) : "none");
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
}

static void sigbus_child(void *arg)
{
	const char *addr = arg;
	struct uffd_pager *p;
	char *m;

	tp_no_core();
	p = pager(addr, UFFD_PAGER_NO_PREFETCH, UFFD_ON_ERROR_SIGBUS);
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK(m);
	tp_touch(m, NPAGES / 2, NULL);
	tp_verify(m, NPAGES / 2, 0, ZERO_EVERY);
	kill(getppid(), SIGUSR1);	/* "kill the server now" */
	t_msleep(200);
	tp_touch(m + NPAGES / 2 * (size_t)t_page, 1, NULL);
	_exit(3);			/* should not get here */
}

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static void sigbus_policy(void)
{
	char addr[128];
	pid_t srv = server("127.0.0.1:0", addr, sizeof(addr)), child;
	int st;

	signal(SIGUSR1, on_usr1);
	child = fork();
	CHECK(child >= 0);
	if (child == 0)
		sigbus_child(addr);
	while (!go)
		t_msleep(5);
	kill_server(srv);
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
		  "restoring process: status %#x, expected death by SIGBUS", st);
}

struct toucher {
	const char *addr;
	volatile int done;
};

static void *touch_main(void *arg)
{
	struct toucher *t = arg;

	(void)*(volatile const uint64_t *)t->addr;
	t->done = 1;
	return NULL;
}

static void wait_policy(void)
{
	struct uffd_pager *p;
	struct toucher t;
	pthread_t th;
	char addr[128], addr2[128];
	pid_t srv = server("127.0.0.1:0", addr, sizeof(addr));
	char *m;
	int i;

	p = pager(addr, UFFD_PAGER_NO_PREFETCH, UFFD_ON_ERROR_WAIT);
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK(m);
	tp_touch(m, 16, NULL);
	kill_server(srv);
	t = (struct toucher){ .addr = m + 100 * (size_t)t_page };
	CHECK(pthread_create(&th, NULL, touch_main, &t) == 0);
	t_msleep(600);			/* longer than timeout_ms: still waiting */
	CHECK(!t.done);
	srv = server(addr, addr2, sizeof(addr2));
	CHECK_MSG(!strcmp(addr, addr2), "restarted on %s, not %s", addr2, addr);
	for (i = 0; i < 500 && !t.done; i++)
		t_msleep(10);
	CHECK_MSG(t.done, "fault not served after the server came back");
	pthread_join(th, NULL);
	CHECK_OK(uffd_pager_complete(p, 10000));
	tp_verify(m, NPAGES, 0, ZERO_EVERY);
	kill_server(srv);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
}

static void prefetch_kill(void)
{
	struct uffd_pager_stats st;
	struct uffd_pager *p;
	char addr[128];
	pid_t srv = server("127.0.0.1:0", addr, sizeof(addr));
	size_t i, lost = 0;
	char *m;

	p = pager(addr, 0, UFFD_ON_ERROR_ZERO);
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK(m);
	tp_touch(m, 1, NULL);		/* starts readahead and the sweep */
	kill_server(srv);
	tp_touch(m, NPAGES, NULL);
	for (i = 0; i < NPAGES; i++) {
		const char *pg = m + i * (size_t)t_page;

		if (tp_page_bad(pg, i, ZERO_EVERY) < 0)
			continue;
		CHECK_MSG(tp_page_bad(pg, i, 1) < 0, "page %zu neither right nor zero", i);
		lost++;
	}
	CHECK(uffd_pager_wait(p, 5000) == 0 || errno == EIO);
	CHECK_OK(uffd_pager_stats(p, -1, &st));
	CHECK_EQ(st.present, NPAGES);
	CHECK(st.lost_pages >= lost);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
}

int main(void)
{
	t_init(60);
	tp_require_engine();
	signal(SIGPIPE, SIG_IGN);
	img = tp_path("image");
	tp_make_image(img, NPAGES, ZERO_EVERY);
	zero_policy();
	sigbus_policy();
	wait_policy();
	prefetch_kill();
	return 0;
}
