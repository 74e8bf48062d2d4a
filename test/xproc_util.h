/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the cross-process tests (t_xproc_*.c, t_orphan_*.c): passing
 * a uffd over a UNIX socket (SCM_RIGHTS), the page pattern a handler in
 * another process installs, and the orphan-policy scenario -- a handler
 * process reads a fault message and is killed with SIGKILL before it
 * resolves it.
 *
 * Waits are bounded (a hang fails the test).  The orphan tests check one
 * deadline, "within 1 second of the kill": that is the acceptance
 * criterion of the orphan policy (issue 7), not a performance
 * measurement; the policy timeout is 200 ms so the margin is large.
 */
#ifndef UFFD_TEST_XPROC_UTIL_H
#define UFFD_TEST_XPROC_UTIL_H

#include "harness.h"
#include <setjmp.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/socket.h>

/* ---- SCM_RIGHTS ------------------------------------------------------------ */

/* Send @len bytes of @data with descriptor @fd attached. */
static inline int xp_send_fd(int sock, int fd, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)data, len };
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&mh, 0, sizeof(mh));
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/*
 * Receive @len bytes and one descriptor (waiting at most @timeout_ms);
 * returns the descriptor, or -1.
 */
static inline int xp_recv_fd(int sock, void *data, size_t len, int timeout_ms)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, len };
	struct msghdr mh;
	struct cmsghdr *cm;
	int fd = -1;

	if (!(t_poll(sock, POLLIN, timeout_ms) & POLLIN))
		return -1;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != (ssize_t)len)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Exactly @len bytes from @fd within @timeout_ms; false otherwise. */
static inline bool xp_read_full(int fd, void *buf, size_t len, int timeout_ms)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n;

		if (!(t_poll(fd, POLLIN, timeout_ms) & (POLLIN | POLLHUP)))
			return false;
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/* ---- the page pattern --------------------------------------------------------- */

/*
 * Page @idx holds words mix(idx, j) and, in its last word, the sum of the
 * others: a page swapped with another, shifted, torn or zero fails the
 * check.  examples/raw_xproc_server.c computes the same (it is built
 * without this header).
 */
static inline uint64_t xp_mix(uint64_t idx, uint64_t j)
{
	uint64_t z = (idx << 20) + j + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void xp_fill(void *page, uint64_t idx, size_t page_size)
{
	uint64_t *w = page, sum = 0;
	size_t j, n = page_size / 8;

	for (j = 0; j + 1 < n; j++) {
		w[j] = xp_mix(idx, j);
		sum += w[j];
	}
	w[n - 1] = sum;
}

static inline bool xp_check(const void *page, uint64_t idx, size_t page_size)
{
	const volatile uint64_t *w = page;
	uint64_t sum = 0;
	size_t j, n = page_size / 8;

	for (j = 0; j + 1 < n; j++) {
		if (w[j] != xp_mix(idx, j))
			return false;
		sum += w[j];
	}
	return w[n - 1] == sum;
}

/* ---- serving a region from another process ---------------------------------------- */

/*
 * The protocol of examples/raw_xproc_server.c, which t_xproc_scm_serve's
 * handler child follows too: the client sends struct xp_region with the
 * uffd attached; the server answers 'r', serves until it reads 'q', then
 * answers struct xp_report.
 */
struct xp_region {
	uint64_t base;
	uint64_t len;
	uint64_t page_size;
};

struct xp_report {
	uint64_t served;	/* successful UFFDIO_COPYs */
	uint64_t messages;	/* fault messages read */
	uint64_t eexist;	/* COPY found the page present: woken instead */
	int32_t error;		/* errno of the first failure, 0 if none */
	int32_t pad;
};

#define XP_PAGES	16384		/* 64 MiB of 4 KiB pages */
#define XP_THREADS	4

struct xp_toucher {
	pthread_t thread;
	char *base;
	size_t npages, first, step;
	size_t bad;		/* pages whose contents were wrong */
	size_t first_bad;
};

/* Touch pages first, first + step, ...; check each page's contents. */
static void *xp_touch_main(void *arg)
{
	struct xp_toucher *t = arg;
	size_t i;

	for (i = t->first; i < t->npages; i += t->step) {
		char *p = t->base + i * (size_t)t_page;

		(void)*(volatile char *)(p + (i * 8) % (size_t)t_page);
		if (!xp_check(p, i, (size_t)t_page) && !t->bad++)
			t->first_bad = i;
	}
	return NULL;
}

/* XP_THREADS threads touch all @npages pages of @base, interleaved. */
static inline void xp_touch_all(char *base, size_t npages)
{
	struct xp_toucher t[XP_THREADS];
	int k;

	for (k = 0; k < XP_THREADS; k++) {
		t[k] = (struct xp_toucher){ .base = base, .npages = npages,
					    .first = (size_t)k, .step = XP_THREADS };
		CHECK_EQ(pthread_create(&t[k].thread, NULL, xp_touch_main, &t[k]), 0);
	}
	for (k = 0; k < XP_THREADS; k++) {
		CHECK_EQ(pthread_join(t[k].thread, NULL), 0);
		CHECK_MSG(!t[k].bad, "thread %d: %zu pages with wrong contents, first %zu",
			  k, t[k].bad, t[k].first_bad);
	}
}

/* ---- a receiver process, and a creator that goes ---------------------------------- */

/*
 * Open a uffd (O_CLOEXEC | O_NONBLOCK, API done; skips when the engine is
 * unavailable), register @npages of fresh memory with it (MISSING), fork a
 * receiver C that runs @child(its inherited copy, sock, @arg) (it must
 * _exit), and send C the uffd with the region as the message's data.  C
 * may close its inherited copy first.  *fd and *area are this process's;
 * *sock is this side's end of the socket.  Returns C's pid.
 */
static inline pid_t xp_fork_receiver(size_t npages,
				     void (*child)(int fd, int sock, int arg),
				     int arg, int *fd, char **area, int *sock)
{
	struct xp_region r;
	int sv[2];
	pid_t c;

	*fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	*area = t_map(npages);
	t_register(*fd, *area, npages, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	fflush(stdout);
	fflush(stderr);
	c = fork();
	CHECK_OK(c);
	if (c == 0) {
		close(sv[0]);
		child(*fd, sv[1], arg);
	}
	close(sv[1]);
	r = (struct xp_region){ (uintptr_t)*area, npages * (uint64_t)t_page,
				(uint64_t)t_page };
	CHECK_OK(xp_send_fd(sv[0], *fd, &r, sizeof(r)));
	*sock = sv[0];
	return c;
}

/*
 * The creator P of xp_run_creator_gone(): wait for receiver @c's word on
 * @sock; if C ended without it, P exits with C's status as its own.
 */
static inline void xp_await_receiver(pid_t c, int sock)
{
	int st;
	char b;

	if (!xp_read_full(sock, &b, 1, 10000)) {
		CHECK_EQ(waitpid(c, &st, 0), c);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
}

/*
 * A test whose uffd outlives its creator: this process G, a subreaper,
 * forks the creator P, which runs @owner(gone) and _exits; once P has
 * exited (its mm is gone), G writes the pipe whose read end @owner got,
 * and reaps the one receiver P left behind.  Returns the test's status:
 * T_SKIP when P could not have its uffd.
 */
static inline int xp_run_creator_gone(void (*owner)(int gone))
{
	int gone[2], st, nchild = 0;
	pid_t p;

	CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
	CHECK_OK(pipe2(gone, O_CLOEXEC));
	fflush(stdout);
	fflush(stderr);
	p = fork();
	CHECK_OK(p);
	if (p == 0) {
		close(gone[1]);
		owner(gone[0]);
	}
	close(gone[0]);
	CHECK_EQ(waitpid(p, &st, 0), p);
	if (WIFEXITED(st) && WEXITSTATUS(st) == T_SKIP) {
		printf("SKIP: %s engine unavailable\n", t_engine_name);
		return T_SKIP;
	}
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "owner status %#x", st);
	/* The creator has exited: its mm is gone.  Tell the receiver. */
	CHECK_EQ(write(gone[1], "g", 1), 1);
	while (waitpid(-1, &st, 0) > 0) {
		CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
		nchild++;
	}
	CHECK_EQ(nchild, 1);
	return 0;
}

/* ---- time ------------------------------------------------------------------------ */

static inline uint64_t xp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- the orphan scenario ------------------------------------------------------------ */

/*
 * The policy's timeout.  The emulated engine counts it from the moment the
 * fault is queued, read or not, so the handler process must read within it:
 * it reports ready before the fault is taken (xo_start), and 500 ms leaves
 * room for a loaded CI machine while the outcome still comes well within
 * XO_DEADLINE_NS of the kill (at most 1.25 timeouts after the fault).
 */
#define XO_TIMEOUT_MS	500
#define XO_DEADLINE_NS	1000000000ULL	/* "within 1 second from the kill" */
#define XO_PAGES	4
#define XO_OFFSET	0x123	/* the faulting access, inside page 1 */

enum xo_outcome { XO_PENDING, XO_LOADED, XO_SIGBUS };

struct xo {
	int fd;			/* the parent's uffd */
	char *area;		/* XO_PAGES registered pages */
	char *addr;		/* area + page + XO_OFFSET: the faulting access */
	pid_t handler;		/* the handler process */
	int sock;		/* parent's end of the socket to the handler */
	pthread_t thread;	/* the faulting thread */
	uint64_t t_kill;	/* CLOCK_MONOTONIC right after the SIGKILL */
};

/* What the faulting thread saw (written by it and by the SIGBUS handler). */
static volatile int xo_state = XO_PENDING;
static volatile char xo_value;
static volatile int xo_bus_code, xo_bus_count, xo_armed;
static void *volatile xo_bus_addr;
static volatile uint64_t xo_t_done;
static sigjmp_buf xo_jb;

static void xo_on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	xo_bus_count++;
	if (!xo_armed)
		return;		/* a second, queued SIGBUS after the first: ignore */
	xo_armed = 0;
	xo_bus_code = si->si_code;
	xo_bus_addr = si->si_addr;
	xo_t_done = xp_now_ns();
	__atomic_store_n(&xo_state, XO_SIGBUS, __ATOMIC_RELEASE);
	siglongjmp(xo_jb, 1);
}

static void *xo_fault_main(void *arg)
{
	struct xo *x = arg;

	if (sigsetjmp(xo_jb, 1) == 0) {
		xo_armed = 1;
		xo_value = *(volatile char *)x->addr;
		xo_armed = 0;
		xo_t_done = xp_now_ns();
		__atomic_store_n(&xo_state, XO_LOADED, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * The handler process: read one fault message, report it to the parent,
 * then wait to be killed.  With @via_scm the inherited copy of the uffd is
 * closed first and the descriptor is received over the socket.
 */
static void xo_handler(int fd, int sock, bool via_scm)
{
	struct uffd_msg m;
	char c;

	alarm(20);
	if (via_scm) {
		close(fd);
		fd = xp_recv_fd(sock, &c, 1, 10000);
		if (fd < 0)
			_exit(2);
	}
	c = 'r';		/* ready: the parent may take the fault now */
	if (write(sock, &c, 1) != 1)
		_exit(5);
	if (!t_read_msg(fd, &m, 10000))
		_exit(3);
	if (write(sock, &m, sizeof(m)) != (ssize_t)sizeof(m))
		_exit(4);
	for (;;)
		pause();
}

/*
 * Set up: uffd (policy applied by the caller through @setup, or by the
 * environment), XO_PAGES registered pages, the SIGBUS handler, a handler
 * process; then a thread faults on x->addr, the handler process reads the
 * message and is killed.  On return x->t_kill is the time of the kill.
 */
static inline void xo_start(struct xo *x, void (*setup)(int fd), bool via_scm)
{
	struct sigaction sa;
	struct uffd_msg m;
	char c;
	int sv[2], st;

	memset(x, 0, sizeof(*x));
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = xo_on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGBUS, &sa, NULL));

	x->fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	if (setup)
		setup(x->fd);
	x->area = t_map(XO_PAGES);
	t_register(x->fd, x->area, XO_PAGES, UFFDIO_REGISTER_MODE_MISSING);
	x->addr = x->area + t_page + XO_OFFSET;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	fflush(stdout);
	fflush(stderr);
	x->handler = fork();
	CHECK_OK(x->handler);
	if (x->handler == 0) {
		close(sv[0]);
		xo_handler(x->fd, sv[1], via_scm);
	}
	close(sv[1]);
	x->sock = sv[0];
	if (via_scm)
		CHECK_OK(xp_send_fd(x->sock, x->fd, "u", 1));
	/* Fault only once the handler holds the descriptor and is about to read. */
	CHECK_MSG(xp_read_full(x->sock, &c, 1, 10000) && c == 'r',
		  "the handler process did not report ready");

	CHECK_EQ(pthread_create(&x->thread, NULL, xo_fault_main, x), 0);

	/* The handler has read the message ... */
	CHECK_MSG(xp_read_full(x->sock, &m, sizeof(m), 10000),
		  "the handler process did not report a fault message");
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)x->area + (uintptr_t)t_page);
	/* ... and dies without resolving it. */
	CHECK_OK(kill(x->handler, SIGKILL));
	x->t_kill = xp_now_ns();
	CHECK_EQ(waitpid(x->handler, &st, 0), x->handler);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		  "handler process status %#x", st);
	close(x->sock);
}

/*
 * Wait for the faulting thread's outcome until @deadline_ns after the
 * kill (CLOCK_MONOTONIC).  Returns the outcome; XO_PENDING when the
 * thread was still blocked at the deadline.
 */
static inline int xo_wait(struct xo *x, uint64_t deadline_ns)
{
	for (;;) {
		int s = __atomic_load_n(&xo_state, __ATOMIC_ACQUIRE);

		if (s != XO_PENDING)
			return s;
		if (xp_now_ns() - x->t_kill >= deadline_ns)
			return __atomic_load_n(&xo_state, __ATOMIC_ACQUIRE);
		t_msleep(5);
	}
}

/* The outcome "within 1 s from the kill" (see the top of this file). */
static inline void xo_check_deadline(const struct xo *x)
{
	CHECK_MSG(xo_t_done - x->t_kill < XO_DEADLINE_NS || xo_t_done < x->t_kill,
		  "outcome %.3f s after the kill (limit 1 s)",
		  (double)(xo_t_done - x->t_kill) / 1e9);
}

/* ZEROFILL: the access completed and the page reads as zeros. */
static inline void xo_expect_zerofill(struct xo *x)
{
	int s = xo_wait(x, XO_DEADLINE_NS);
	size_t i;

	CHECK_MSG(s != XO_PENDING, "the faulting thread was still blocked 1 s after "
		  "the handler was killed");
	CHECK_MSG(s == XO_LOADED, "the faulting thread got SIGBUS (code %d), "
		  "expected a zero page", xo_bus_code);
	xo_check_deadline(x);
	CHECK_EQ(pthread_join(x->thread, NULL), 0);
	CHECK_EQ(xo_value, 0);
	for (i = 0; i < (size_t)t_page; i++)
		CHECK_EQ(x->area[t_page + (long)i], 0);
	CHECK_EQ(xo_bus_count, 0);
}

#endif
