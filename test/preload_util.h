/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the preload tests (t_preload_*.c): where the build's other
 * programs are, and running one with its output captured.
 *
 * The tests run programs built WITHOUT libuffd (examples/raw_*.c), natively
 * -- the kernel's userfaultfd -- and under `uffd run`, and compare.  The
 * programs are siblings of the test binary: <build>/test/t_x ->
 * <build>/examples/raw_..., <build>/uffd, <build>/libuffd-preload.so.
 * Waits are bounded (a hang fails the test); nothing is timed.
 */
#ifndef UFFD_TEST_PRELOAD_UTIL_H
#define UFFD_TEST_PRELOAD_UTIL_H

#include "harness.h"
#include <limits.h>
#include <sys/stat.h>

struct pl_paths {
	char build[PATH_MAX];		/* the build directory */
	char uffd[PATH_MAX];		/* <build>/uffd */
	char preload[PATH_MAX];		/* <build>/libuffd-preload.so */
};

struct pl_result {
	int status;			/* wait status */
	char *out, *err;		/* captured stdout, stderr (NUL-terminated) */
	size_t outlen, errlen;
};

/* <build> from /proc/self/exe; skips when a needed program is not built. */
static inline void pl_locate(struct pl_paths *p)
{
	char exe[PATH_MAX], *s;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	CHECK_MSG(n > 0, "readlink /proc/self/exe: %s", t_errname(errno));
	exe[n] = '\0';
	s = strrchr(exe, '/');		/* <build>/test/t_x */
	CHECK(s);
	*s = '\0';
	s = strrchr(exe, '/');		/* <build>/test */
	CHECK(s);
	*s = '\0';
	snprintf(p->build, sizeof(p->build), "%s", exe);
	CHECK((size_t)snprintf(p->uffd, sizeof(p->uffd), "%s/uffd", exe) < sizeof(p->uffd));
	CHECK((size_t)snprintf(p->preload, sizeof(p->preload), "%s/libuffd-preload.so",
			       exe) < sizeof(p->preload));
	if (access(p->uffd, X_OK))
		t_skip("%s not built (make all)", p->uffd);
	if (access(p->preload, R_OK))
		t_skip("%s not built (make all)", p->preload);
}

/*
 * Tests in which a sandbox, not UFFD_ENGINE, picks the engine are
 * meaningful once: they run in the emulated pass and skip the kernel pass.
 */
static inline void pl_emulated_pass_only(void)
{
	if (!strcmp(t_engine_name, "kernel"))
		t_skip("runs in the emulated pass (the sandbox, not UFFD_ENGINE, "
		       "picks the engine)");
}

/* <build>/examples/raw_NAME, skipping when it is not built. */
static inline const char *pl_example(const struct pl_paths *p, const char *name,
				     char *buf, size_t len)
{
	CHECK((size_t)snprintf(buf, len, "%s/examples/%s", p->build, name) < len);
	if (access(buf, X_OK))
		t_skip("%s not built (make examples)", buf);
	return buf;
}

static inline void pl_free(struct pl_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

static inline void pl_append(char **buf, size_t *len, size_t *cap, int fd, bool *open_)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		*open_ = false;
		return;
	}
	if (*len + (size_t)n + 1 > *cap) {
		*cap = (*len + (size_t)n + 1) * 2;
		*buf = realloc(*buf, *cap);
		CHECK(*buf);
	}
	memcpy(*buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
}

/*
 * Run @argv (argv[0] a path) with stdin from /dev/null and stdout/stderr
 * captured; @env: "NAME=VALUE" to set, "NAME" to unset, NULL-terminated
 * (may be NULL).  Fails the test if it does not finish in @timeout_s.
 */
static inline void pl_run(const char *const *argv, const char *const *env,
			  int timeout_s, struct pl_result *r)
{
	int out[2], err[2];
	size_t outcap = 1, errcap = 1;
	bool oopen = true, eopen = true;
	int waited = 0, nul;
	char **envp;
	pid_t pid, w;

	memset(r, 0, sizeof(*r));
	r->out = calloc(1, 1);
	r->err = calloc(1, 1);
	CHECK(r->out && r->err);
	CHECK_OK(pipe2(out, O_CLOEXEC));
	CHECK_OK(pipe2(err, O_CLOEXEC));
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	envp = t_child_env(env);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CHECK_OK(pid);
	if (pid == 0) {
		/* Only system calls until the exec (see t_child_env()). */
		if (nul >= 0)
			dup2(nul, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		alarm(0);
		execve(argv[0], (char *const *)argv, envp);
		if (write(2, "exec failed: ", 13) > 0 &&
		    write(2, argv[0], strlen(argv[0])) > 0)
			(void)!write(2, "\n", 1);
		_exit(126);
	}
	free(envp);
	if (nul >= 0)
		close(nul);
	close(out[1]);
	close(err[1]);
	while (oopen || eopen) {
		struct pollfd pfd[2] = {
			{ .fd = oopen ? out[0] : -1, .events = POLLIN },
			{ .fd = eopen ? err[0] : -1, .events = POLLIN },
		};
		int k = poll(pfd, 2, 1000);

		if (k < 0 && errno == EINTR)
			continue;
		CHECK_OK(k);
		if (k == 0 && ++waited >= timeout_s) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			t_fail(__FILE__, __LINE__, "%s did not finish in %d s", argv[0],
			       timeout_s);
		}
		if (pfd[0].revents)
			pl_append(&r->out, &r->outlen, &outcap, out[0], &oopen);
		if (pfd[1].revents)
			pl_append(&r->err, &r->errlen, &errcap, err[0], &eopen);
	}
	close(out[0]);
	close(err[0]);
	/* Output closed; the exit is near (bounded all the same). */
	for (waited = 0;;) {
		w = waitpid(pid, &r->status, WNOHANG);
		if (w == pid)
			break;
		CHECK_MSG(w == 0 || errno == EINTR, "waitpid: %s", t_errname(errno));
		if (++waited >= timeout_s * 100) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			t_fail(__FILE__, __LINE__, "%s did not exit", argv[0]);
		}
		t_msleep(10);
	}
}

/* The exit status, or 128 + signal. */
static inline int pl_exit(const struct pl_result *r)
{
	if (WIFEXITED(r->status))
		return WEXITSTATUS(r->status);
	if (WIFSIGNALED(r->status))
		return 128 + WTERMSIG(r->status);
	return -1;
}

/*
 * Environment of a run under `uffd run`: only what the command line says
 * (the outer UFFD_* settings and LD_PRELOAD are not inherited).
 */
static const char *const pl_clean_env[] = {
	"UFFD_ENGINE", "UFFD_DENY_KERNEL", "UFFD_PRELOAD_PATH", "UFFD_PRETOUCH",
	"LD_PRELOAD", NULL,
};

#endif
