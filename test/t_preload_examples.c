/* SPDX-License-Identifier: MIT */
/*
 * The raw examples (examples/raw_*.c: <linux/userfaultfd.h> and libc only,
 * built without libuffd) print the same bytes and exit 0 natively -- on
 * the kernel's userfaultfd -- and under `uffd run --engine=<engine under
 * test>`, where the preload shim gives them libuffd's engine.
 *
 * Skips when the native run cannot create a userfaultfd (then there is
 * no reference output), or when the engine under test is unavailable.
 */
#include "preload_util.h"

static const char *const examples[] = {
	"raw_demand_pager",	/* man-page style pager: poll, read, COPY */
	"raw_threads",		/* 4 faulting threads, 3 handler threads */
	"raw_wp_dirty",		/* write-protect dirty tracking */
	"raw_remote_handler",	/* handler in another process (SCM_RIGHTS) */
	"raw_syscall_read",	/* read() into a missing page */
	"raw_wp_async_scan",	/* WP_ASYNC + PAGEMAP_SCAN dirty tracking */
};

#define RUN_LIMIT 60		/* seconds per program run (a hang bound) */

int main(void)
{
	struct pl_paths p;
	struct pl_result nat, shim;
	char which[PATH_MAX], ex[PATH_MAX], engine_opt[64];
	size_t i;

	t_init(110);
	pl_locate(&p);
	pl_example(&p, "raw_which_engine", which, sizeof(which));
	snprintf(engine_opt, sizeof(engine_opt), "--engine=%s", t_engine_name);

	/* Natively the raw programs get the kernel's userfaultfd, or nothing. */
	{
		const char *argv[] = { which, "syscall", NULL };

		pl_run(argv, pl_clean_env, RUN_LIMIT, &nat);
		if (pl_exit(&nat) != 0)
			t_skip("a raw program cannot create a userfaultfd natively here "
			       "(no reference output): %.200s", nat.err);
		CHECK_MSG(!strcmp(nat.out, "kernel\n"), "native raw_which_engine: %s",
			  nat.out);
		pl_free(&nat);
	}
	/* Under the shim, the engine under test, or a skip. */
	{
		const char *argv[] = { p.uffd, "run", engine_opt, "--", which, "syscall",
				       NULL };
		char want[64];

		pl_run(argv, pl_clean_env, RUN_LIMIT, &shim);
		if (pl_exit(&shim) != 0)
			t_skip("%s engine unavailable under uffd run: %.200s",
			       t_engine_name, shim.err);
		snprintf(want, sizeof(want), "%s\n", t_engine_name);
		if (strcmp(t_engine_name, "auto"))
			CHECK_MSG(!strcmp(shim.out, want),
				  "uffd run %s raw_which_engine printed '%s'", engine_opt,
				  shim.out);
		pl_free(&shim);
	}

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		const char *nargv[] = { ex, NULL };
		const char *sargv[] = { p.uffd, "run", engine_opt, "--", ex, NULL };

		pl_example(&p, examples[i], ex, sizeof(ex));
		pl_run(nargv, pl_clean_env, RUN_LIMIT, &nat);
		CHECK_MSG(pl_exit(&nat) == 0, "%s natively: status %d, stderr: %s",
			  examples[i], pl_exit(&nat), nat.err);
		CHECK_MSG(nat.outlen > 0 && strstr(nat.out, ": ok\n"),
			  "%s natively printed no \"ok\" line: %s", examples[i], nat.out);

		pl_run(sargv, pl_clean_env, RUN_LIMIT, &shim);
		CHECK_MSG(pl_exit(&shim) == 0, "uffd run %s %s: status %d, stderr: %s",
			  engine_opt, examples[i], pl_exit(&shim), shim.err);
		CHECK_MSG(shim.outlen == nat.outlen && !memcmp(shim.out, nat.out, nat.outlen),
			  "uffd run %s %s: output differs from the native run\n"
			  "--- native:\n%s--- uffd run:\n%s", engine_opt, examples[i],
			  nat.out, shim.out);
		printf("%-20s native and uffd run %s: %zu identical bytes, status 0\n",
		       examples[i], engine_opt, nat.outlen);
		pl_free(&nat);
		pl_free(&shim);
	}
	return 0;
}
