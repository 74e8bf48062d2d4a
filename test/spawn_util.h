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
 * Everything is prepared before fork(): the child of a threaded test only
 * makes system calls (a sanitizer's allocator is not fork-safe).
 */
static inline pid_t sp_start(char *const argv[], const char *log, const char *engine)
{
	char eng[64];
	const char *const changes[] = { "LD_PRELOAD", "UFFD_DENY_KERNEL",
		engine ? eng : "UFFD_ENGINE", NULL };
	char **env;
	pid_t pid;
	int fd = -1;

	if (engine)
		snprintf(eng, sizeof(eng), "UFFD_ENGINE=%s", engine);
	env = t_child_env(changes);
	if (log) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		CHECK(fd >= 0);
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0 && (dup2(fd, 1) < 0 || dup2(fd, 2) < 0))
			_exit(126);
		alarm(0);
		execve(argv[0], argv, env);
		_exit(127);
	}
	if (fd >= 0)
		close(fd);
	free(env);
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
