/* SPDX-License-Identifier: MIT */
/*
 * raw_syscall_loop - a tight system-call loop of a program that never uses
 * userfaultfd, to measure what the preload shim costs it (`uffd bench
 * preload` runs it natively and with LD_PRELOAD=libuffd-preload.so).
 * Built without libuffd, like examples/raw_*.c.
 *
 *	raw_syscall_loop [ITERATIONS]
 *
 * Three loops, ITERATIONS (default 200000) calls each:
 *   read   read(/dev/zero, buf, 8)          -- interposed by the shim
 *                                              (uffd lookup, buffer pre-touch check)
 *   ioctl  ioctl(pipe, FIONREAD, &n)        -- interposed (uffd lookup)
 *   mixed  one read and one ioctl per iteration
 * Each loop runs in BATCHES batches; the median batch is reported, so a
 * stray interrupt does not count.  Output, one line, ns per call (per
 * iteration for mixed):
 *
 *	iterations=200000 read_ns=101.3 ioctl_ns=87.2 mixed_ns=190.0
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#define BATCHES 25

static int zero_fd, pipe_rd;

/*
 * The thread's CPU time, not the wall clock: time the loop spends
 * preempted by other work on a busy machine does not count.
 */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fail(const char *what)
{
	fprintf(stderr, "raw_syscall_loop: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void do_read(void)
{
	char buf[8];

	if (read(zero_fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		fail("read(/dev/zero)");
}

static void do_ioctl(void)
{
	int n = 0;

	if (ioctl(pipe_rd, FIONREAD, &n) < 0 || n != 3)
		fail("ioctl(FIONREAD)");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * ns per iteration of @kind (0 read, 1 ioctl, 2 both) over BATCHES
 * batches: the median batch, and the fastest in *@best.
 */
static double measure(int kind, long iters, double *best)
{
	double t[BATCHES];
	long per = iters / BATCHES > 0 ? iters / BATCHES : 1, i;
	int b;

	for (b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		for (i = 0; i < per; i++) {
			if (kind != 1)
				do_read();
			if (kind != 0)
				do_ioctl();
		}
		t[b] = (now_ns() - t0) / (double)per;
	}
	qsort(t, BATCHES, sizeof(t[0]), cmp_double);
	if (best)
		*best = t[0];
	return t[BATCHES / 2];
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	double r, io, mixed, rb, iob, mixedb;
	int p[2];

	if (iters < 1) {
		fprintf(stderr, "usage: raw_syscall_loop [ITERATIONS]\n");
		return 2;
	}
	zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (zero_fd < 0)
		fail("open /dev/zero");
	if (pipe2(p, O_CLOEXEC) < 0)
		fail("pipe2");
	if (write(p[1], "abc", 3) != 3)
		fail("write(pipe)");
	pipe_rd = p[0];

	measure(2, iters / 10 + 1, NULL);	/* warm-up */
	r = measure(0, iters, &rb);
	io = measure(1, iters, &iob);
	mixed = measure(2, iters, &mixedb);
	printf("iterations=%ld read_ns=%.2f ioctl_ns=%.2f mixed_ns=%.2f "
	       "read_best_ns=%.2f ioctl_best_ns=%.2f mixed_best_ns=%.2f\n", iters, r,
	       io, mixed, rb, iob, mixedb);
	return 0;
}
