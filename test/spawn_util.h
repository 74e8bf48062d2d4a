/* SPDX-License-Identifier: MIT */
/*
 * Running the build's programs from a test (t_pager_cli_hang.c,
 * t_handle_*.c): where they are, starting one with its output in a file,
 * waiting for it with a bound (a hang becomes a failure), reading what it
 * printed.
 */
#ifndef UFFD_TEST_SPAWN_UTIL_H
#define UFFD_TEST_SPAWN_UTIL_H

#include "harness.h"
#include <limits.h>
#include <sys/prctl.h>

/* <build>/@rel, from <build>/test/t_*; skips when it is not built. */
static inline const char *sp_build(const char *rel)
{
	static char out[4][PATH_MAX];
	static int k;
	char exe[PATH_MAX - 128], *s, *o = out[k++ % 4];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	CHECK_MSG(n > 0, "readlink /proc/self/exe: %s", t_errname(errno));
	exe[n] = '\0';
	s = strrchr(exe, '/');
	CHECK(s);
	*s = '\0';
	s = strrchr(exe, '/');
	CHECK(s);
	*s = '\0';
	snprintf(o, PATH_MAX, "%s/%s", exe, rel);
	if (access(o, X_OK))
		t_skip("%s not built (make all)", o);
	return o;
}

/*
 * Start argv[0] with stdout and stderr into @log (NULL: inherited), and
 * killed with the test.  The environment is the test's, less what would
 * change the program's engine, plus UFFD_ENGINE=@engine (NULL: none).
 */
static inline pid_t sp_start(char *const argv[], const char *log, const char *engine)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (log) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(126);
		}
		/* Under a sanitizer build, `uffd run` preloads an instrumented
		 * shim ahead of the runtime: allow it. */
		{
			const char *ao = getenv("ASAN_OPTIONS");
			char asan[1024];

			snprintf(asan, sizeof(asan), "%s%sverify_asan_link_order=0",
				 ao ? ao : "", ao && *ao ? ":" : "");
			setenv("ASAN_OPTIONS", asan, 1);
		}
		unsetenv("LD_PRELOAD");
		unsetenv("UFFD_DENY_KERNEL");
		if (engine)
			setenv("UFFD_ENGINE", engine, 1);
		else
			unsetenv("UFFD_ENGINE");
		alarm(0);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(126);
	}
	return pid;
}

/* Its wait status within @ms; -1 (and SIGKILLed) when it did not end. */
static inline int sp_wait(pid_t pid, int ms)
{
	int st, i;

	for (i = 0; i < ms / 10; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		CHECK(r == 0 || errno == EINTR);
		t_msleep(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* The contents of @path (a static buffer, NUL-terminated). */
static inline const char *sp_slurp(const char *path)
{
	static char buf[16384];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Wait (bounded by @ms) until @path contains @text. */
static inline bool sp_await_text(const char *path, const char *text, int ms)
{
	int i;

	for (i = 0; i < ms / 10; i++) {
		if (strstr(sp_slurp(path), text))
			return true;
		t_msleep(10);
	}
	return false;
}

#endif
