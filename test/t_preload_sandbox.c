/* SPDX-License-Identifier: MIT */
/*
 * `uffd sandbox` (tools/sandbox.c) refuses the kernel's userfaultfd both
 * ways in -- userfaultfd(2) with EPERM, opening /dev/userfaultfd with
 * EACCES -- and nothing else, so that an unmodified program fails there
 * natively and works under `uffd run` on the emulated engine; it passes
 * the program's exit status (128 + N for signal N) back.
 *
 * The sandbox decides the engine, not UFFD_ENGINE: the test runs in the
 * emulated pass of test/run.sh and skips the kernel pass.  Skips when
 * seccomp filters with a supervisor are not permitted here.
 */
#include "preload_util.h"

#define RUN_LIMIT 60

static struct pl_paths paths;
static char pager[PATH_MAX], which[PATH_MAX];

/* `uffd sandbox -- ARGV...` with its output captured. */
static void sandboxed(const char *const *argv, struct pl_result *r)
{
	const char *full[16] = { paths.uffd, "sandbox", "--" };
	int i;

	for (i = 0; argv[i]; i++) {
		CHECK(i + 4 < 16);
		full[i + 3] = argv[i];
	}
	pl_run(full, pl_clean_env, RUN_LIMIT, r);
	if (strstr(r->err, "cannot install the seccomp filter") ||
	    strstr(r->err, "pidfd_"))
		t_skip("uffd sandbox cannot run here: %s", r->err);
}

int main(void)
{
	const char *native[] = { NULL, NULL };
	struct pl_result ref, r;
	bool have_dev;
	int i;

	t_init(100);
	pl_emulated_pass_only();
	pl_locate(&paths);
	pl_example(&paths, "raw_demand_pager", pager, sizeof(pager));
	pl_example(&paths, "raw_which_engine", which, sizeof(which));
	have_dev = access("/dev/userfaultfd", F_OK) == 0;

	/* The kernel's userfaultfd is refused, both ways in... */
	{
		const char *argv[] = { which, "syscall", NULL };

		sandboxed(argv, &r);
		CHECK_MSG(pl_exit(&r) == 1 && strstr(r.err, "Operation not permitted"),
			  "raw_which_engine syscall: status %d, stderr: %s", pl_exit(&r),
			  r.err);
		pl_free(&r);
	}
	{
		const char *argv[] = { which, "device", NULL };

		sandboxed(argv, &r);
		CHECK_MSG(pl_exit(&r) == 1 &&
			  strstr(r.err, have_dev ? "Permission denied" :
						   "No such file or directory"),
			  "raw_which_engine device: status %d, stderr: %s", pl_exit(&r),
			  r.err);
		pl_free(&r);
	}
	/* ...--engine=kernel says so... */
	{
		const char *argv[] = { paths.uffd, "run", "--engine=kernel", "--", which,
				       NULL };

		sandboxed(argv, &r);
		CHECK_MSG(pl_exit(&r) == 1, "uffd run --engine=kernel: status %d, "
			  "stdout: %s", pl_exit(&r), r.out);
		pl_free(&r);
	}
	/* ...and `uffd run` falls back to the emulated engine, both ways in. */
	for (i = 0; i < 2; i++) {
		const char *argv[] = { paths.uffd, "run", "--", which,
				       i ? "device" : "syscall", NULL };

		sandboxed(argv, &r);
		CHECK_MSG(pl_exit(&r) == 0 && !strcmp(r.out, "emulated\n"),
			  "uffd run raw_which_engine %s: status %d, out '%s', err '%s'",
			  argv[4], pl_exit(&r), r.out, r.err);
		pl_free(&r);
	}

	/* The demand pager: the same bytes as outside the sandbox. */
	native[0] = pager;
	pl_run(native, pl_clean_env, RUN_LIMIT, &ref);
	if (pl_exit(&ref) == 0) {
		const char *argv[] = { paths.uffd, "run", "--", pager, NULL };

		sandboxed(argv, &r);
		CHECK_MSG(pl_exit(&r) == 0 && r.outlen == ref.outlen &&
			  !memcmp(r.out, ref.out, ref.outlen),
			  "uffd run raw_demand_pager: status %d, printed\n%s\nnot\n%s",
			  pl_exit(&r), r.out, ref.out);
		pl_free(&r);
	}
	pl_free(&ref);

	/* Other opens go through; the exit status comes back. */
	{
		const char *argv[] = { "/bin/sh", "-c",
				       "read -r x < /proc/self/stat && exit 7", NULL };

		sandboxed(argv, &r);
		CHECK_MSG(pl_exit(&r) == 7, "sh exit 7: status %d, stderr: %s",
			  pl_exit(&r), r.err);
		pl_free(&r);
	}
	{
		const char *argv[] = { "/bin/sh", "-c", "kill -TERM $$", NULL };

		sandboxed(argv, &r);
		CHECK_MSG(pl_exit(&r) == 128 + SIGTERM, "sh killed by SIGTERM: status %d",
			  pl_exit(&r));
		pl_free(&r);
	}
	printf("uffd sandbox: userfaultfd(2) EPERM, %s, uffd run -> emulated\n",
	       have_dev ? "/dev/userfaultfd EACCES" : "no /dev/userfaultfd");
	return 0;
}
