/* SPDX-License-Identifier: MIT */
/*
 * Conformance-test harness.  Every test is its own program, run once per
 * engine by test/run.sh with UFFD_ENGINE=kernel or UFFD_ENGINE=emulated.
 *
 *   exit 0   pass
 *   exit 77  skip; the last line printed says why ("SKIP: ...")
 *   other    fail; the failing check is printed with file and line
 *
 * Tests are written against the public API only (uffd_open, uffd_ioctl,
 * read, poll, close), never against an engine's internals, so that the
 * same expectations -- the kernel's behaviour -- gate both engines.
 * Tests never assert on time; waits are bounded only to turn a hang into
 * a failure.
 */
#ifndef UFFD_TEST_HARNESS_H
#define UFFD_TEST_HARNESS_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "uffd.h"

#define T_SKIP 77

extern long t_page;		/* page size */
extern const char *t_engine_name; /* "kernel" or "emulated" (from UFFD_ENGINE) */

void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void t_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define CHECK(c) do { if (!(c)) t_fail(__FILE__, __LINE__, "%s", #c); } while (0)
#define CHECK_MSG(c, ...) do { if (!(c)) t_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define CHECK_EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) t_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
			     #a, _a, #b, _b); } while (0)
#define CHECK_HEX(a, b) do { unsigned long long _a = (unsigned long long)(a), \
	_b = (unsigned long long)(b); if (_a != _b) t_fail(__FILE__, __LINE__, \
	"%s == %#llx, expected %#llx", #a, _a, _b); } while (0)
/* @expr must fail with errno @err. */
#define CHECK_ERR(expr, err) do { errno = 0; long _r = (long)(expr); int _e = errno; \
	if (_r != -1 || _e != (err)) t_fail(__FILE__, __LINE__, \
		"%s returned %ld errno %s, expected -1 errno %s", #expr, _r, \
		t_errname(_e), t_errname(err)); } while (0)
/* @expr must succeed (return >= 0). */
#define CHECK_OK(expr) do { errno = 0; long _r = (long)(expr); if (_r < 0) \
	t_fail(__FILE__, __LINE__, "%s failed: %s", #expr, t_errname(errno)); } while (0)

const char *t_errname(int err);

/* Start of every test: watchdog alarm, page size, engine name. */
void t_init(int timeout_seconds);

/* uffd_open(@flags) on the engine under test; skips if it is unavailable. */
int t_open(int flags);
/* t_open + UFFDIO_API with @features; fails the test on error. */
int t_open_api(int flags, uint64_t features);
/* Supported features of the engine under test (throw-away uffd). */
uint64_t t_features(void);
/* Skip unless every bit of @features is supported. */
void t_require(uint64_t features);

/* Anonymous private read-write mapping of @npages pages. */
void *t_map(size_t npages);
/*
 * An unmapped page fenced by mapped pages on both sides: no allocation of
 * more than one page (a thread stack, a sanitizer's chunk) can land in it.
 */
void *t_hole(void);
/* Register [p, p + npages pages) with @mode; returns the ioctls mask. */
uint64_t t_register(int fd, void *p, size_t npages, uint64_t mode);
void t_unregister(int fd, void *p, size_t npages);
/* UFFDIO_COPY of one page filled with @byte; returns ioctl result. */
int t_copy_byte(int fd, void *dst, int byte, uint64_t mode);
int t_zeropage(int fd, void *dst, size_t npages, uint64_t mode);
int t_wake(int fd, void *p, size_t len);

/* Wait (bounded) for a message and read exactly one; false on timeout. */
bool t_read_msg(int fd, struct uffd_msg *m, int timeout_ms);
/* Wait (bounded) until poll() reports @events; returns revents (0 on timeout). */
int t_poll(int fd, short events, int timeout_ms);
/* Non-blocking: number of messages read() would return now (reads them). */
int t_drain(int fd, struct uffd_msg *out, int max);

/* A thread touching one address. */
struct t_toucher {
	pthread_t thread;
	volatile char *addr;
	int write;		/* 1: store @value, 0: load */
	char value;
	volatile int done;
	volatile char seen;	/* value loaded (or re-read after the store) */
	pid_t tid;
};
void t_touch_start(struct t_toucher *t, void *addr, int write, char value);
/* Has the access completed (no waiting)? */
static inline int t_touch_done(struct t_toucher *t)
{
	return __atomic_load_n(&t->done, __ATOMIC_ACQUIRE);
}
/* Wait until done (bounded); false on timeout. */
bool t_touch_wait(struct t_toucher *t, int timeout_ms);
void t_touch_join(struct t_toucher *t);

/* Sleep @ms (to let other threads reach a blocking point, never to time). */
void t_msleep(int ms);
/* State letter of a thread from /proc (S, R, D...). */
char t_thread_state(pid_t tid);

/* Run @fn in a forked child; returns its wait status. */
int t_fork_run(void (*fn)(void *), void *arg);

/*
 * The environment for a program a test execs: this process's, with
 * @changes applied ("NAME=VALUE" sets NAME, "NAME" removes it; NULL-ended,
 * may be NULL) and, unless @changes sets ASAN_OPTIONS,
 * verify_asan_link_order=0 added to it (a sanitizer build preloads an
 * instrumented shim ahead of the runtime; the option means nothing to
 * other programs).  Build it before fork(): the child of a threaded test
 * may only make system calls until it execs -- setenv() allocates, and a
 * sanitizer's allocator is not fork-safe.  One block: free() it in the
 * parent.
 */
char **t_child_env(const char *const *changes);

/* Count of VMAs in /proc/self/maps; _in: those that overlap [p, p+len). */
int t_vma_count(void);
int t_vma_count_in(void *p, size_t len);
/* /proc/self/pagemap entry of a page. */
uint64_t t_pagemap(void *p);

#endif
