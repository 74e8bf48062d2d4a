/* SPDX-License-Identifier: MIT */
/*
 * A uffd whose memory is gone, for the t_*_gone tests: the uffd of a
 * fork() child (UFFD_FEATURE_EVENT_FORK) after that child has exited.
 * The kernel's such uffd is never ready again (no POLLHUP), read() waits
 * or says EAGAIN, ioctls say ESRCH (spec 2.1, 9.7, 11.2).
 */
#ifndef UFFD_TEST_GONE_UTIL_H
#define UFFD_TEST_GONE_UTIL_H

#include "harness.h"

struct gone_reader {
	int fd;
	struct uffd_msg m;
	bool got;
};

static inline void *gone_reader_main(void *p)
{
	struct gone_reader *g = p;

	g->got = t_read_msg(g->fd, &g->m, 10000);
	return NULL;
}

/*
 * Open a uffd with @flags and EVENT_FORK, register 4 pages, fork a child
 * that exits at once, and return the child's uffd (from the FORK event)
 * once the child has been reaped.  Skips where EVENT_FORK is missing.
 */
static inline int gone_child_uffd(int flags)
{
	struct gone_reader g = { 0 };
	pthread_t t;
	pid_t pid;
	char *area;
	int st;

#if defined(__SANITIZE_ADDRESS__)
	/* The emulated child starts a thread; t_event_selftest_fork says why not. */
	if (!strcmp(t_engine_name, "emulated"))
		t_skip("under ASan: its allocator is not fork-safe and the child starts a thread");
#endif
	t_require(UFFD_FEATURE_EVENT_FORK);
	g.fd = t_open_api(flags, UFFD_FEATURE_EVENT_FORK);
	area = t_map(4);
	t_register(g.fd, area, 4, UFFDIO_REGISTER_MODE_MISSING);
	/* fork() returns once the FORK event has been read. */
	CHECK_OK(-pthread_create(&t, NULL, gone_reader_main, &g));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CHECK_OK(pid);
	if (pid == 0)
		_exit(0);
	CHECK_OK(-pthread_join(t, NULL));
	CHECK_MSG(g.got, "no FORK event");
	CHECK_EQ(g.m.event, UFFD_EVENT_FORK);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return (int)g.m.arg.fork.ufd;
}

/* A thread that writes one byte to @fd after a while (not a measurement). */
struct gone_writer {
	pthread_t thread;
	int fd;
};

static inline void *gone_writer_main(void *p)
{
	struct gone_writer *w = p;

	t_msleep(100);		/* let the main thread reach its wait */
	if (write(w->fd, "w", 1) != 1)
		t_fail(__FILE__, __LINE__, "write: %s", t_errname(errno));
	return NULL;
}

static inline void gone_writer_start(struct gone_writer *w, int fd)
{
	w->fd = fd;
	CHECK_OK(-pthread_create(&w->thread, NULL, gone_writer_main, w));
}

/* Join the writer and take its byte back out of the pipe @rfd. */
static inline void gone_writer_join(struct gone_writer *w, int rfd)
{
	char b;

	CHECK_OK(-pthread_join(w->thread, NULL));
	CHECK_EQ(read(rfd, &b, 1), 1);
}

#endif
