/* SPDX-License-Identifier: MIT */
/*
 * `uffd run --deny-kernel` (and UFFD_DENY_KERNEL=1) with engine auto gives
 * a raw program the emulated engine, by either way of creating a
 * userfaultfd (userfaultfd(2), /dev/userfaultfd + USERFAULTFD_IOC_NEW).
 *
 * The raw program cannot ask which engine it has; raw_which_engine tells
 * from /proc/self/fd/N: "anon_inode:[userfaultfd]" (kernel) or "pipe:"
 * (emulated) -- and prints just "kernel" or "emulated".
 *
 * Does not depend on the engine under test; it runs in both passes, which
 * also checks that --engine=auto overrides an inherited UFFD_ENGINE.
 */
#include "preload_util.h"

#define RUN_LIMIT 60

static struct pl_paths p;
static char which[PATH_MAX];

/* raw_which_engine @how under `uffd run @opts...`, with @env; its word. */
static const char *engine_of(const char *how, const char *const *opts,
			     const char *const *env)
{
	static char word[192];
	const char *argv[16];
	struct pl_result r;
	int n = 0;

	argv[n++] = p.uffd;
	argv[n++] = "run";
	for (; opts && *opts; opts++)
		argv[n++] = *opts;
	argv[n++] = "--";
	argv[n++] = which;
	argv[n++] = how;
	argv[n] = NULL;
	pl_run(argv, env, RUN_LIMIT, &r);
	if (pl_exit(&r) != 0)
		snprintf(word, sizeof(word), "status %d: %.160s", pl_exit(&r), r.err);
	else
		snprintf(word, sizeof(word), "%.*s", (int)strcspn(r.out, "\n"), r.out);
	pl_free(&r);
	return word;
}

int main(void)
{
	static const char *const deny_opts[] = { "--deny-kernel", NULL };
	static const char *const auto_deny_opts[] = { "--engine=auto", "--deny-kernel", NULL };
	static const char *const auto_opts[] = { "--engine=auto", NULL };
	static const char *const kernel_deny_opts[] = { "--engine=kernel", "--deny-kernel",
							NULL };
	/* The outer environment says kernel; the command line must win. */
	static const char *const env_kernel[] = { "UFFD_DENY_KERNEL", "UFFD_PRELOAD_PATH",
						  "LD_PRELOAD", "UFFD_ENGINE=kernel", NULL };
	static const char *const env_deny[] = { "UFFD_PRELOAD_PATH", "LD_PRELOAD",
						"UFFD_ENGINE=kernel",
						"UFFD_DENY_KERNEL=1", NULL };
	const char *hows[] = { "syscall", "device" };
	const char *native_word, *w;
	struct pl_result r;
	int i;

	t_init(110);
	pl_locate(&p);
	pl_example(&p, "raw_which_engine", which, sizeof(which));

	/*
	 * Without the denial, auto must pick the kernel's uffd when a raw
	 * program gets one natively.  (When it does not, what auto picks
	 * depends on the way in -- e.g. unprivileged: /dev/userfaultfd is
	 * EACCES, so emulated, while userfaultfd(2) falls back to a
	 * UFFD_USER_MODE_ONLY kernel uffd -- and is not checked here.)
	 */
	{
		const char *argv[] = { which, "syscall", NULL };

		pl_run(argv, pl_clean_env, RUN_LIMIT, &r);
		native_word = pl_exit(&r) == 0 ? "kernel" : NULL;
		pl_free(&r);
	}
	for (i = 0; i < 2; i++) {
		const char *how = hows[i];

		/* Engine auto by default (no UFFD_ENGINE), --deny-kernel. */
		w = engine_of(how, deny_opts, pl_clean_env);
		CHECK_MSG(!strcmp(w, "emulated"), "uffd run --deny-kernel (%s): %s", how, w);
		/* --engine=auto --deny-kernel over an inherited UFFD_ENGINE=kernel. */
		w = engine_of(how, auto_deny_opts, env_kernel);
		CHECK_MSG(!strcmp(w, "emulated"),
			  "uffd run --engine=auto --deny-kernel (%s): %s", how, w);
		/* UFFD_DENY_KERNEL=1 from the environment. */
		w = engine_of(how, auto_opts, env_deny);
		CHECK_MSG(!strcmp(w, "emulated"),
			  "UFFD_DENY_KERNEL=1 uffd run --engine=auto (%s): %s", how, w);
		/* Control: without the denial, auto is what the host gives. */
		w = engine_of(how, auto_opts, env_kernel);
		CHECK_MSG(!native_word || !strcmp(w, native_word),
			  "uffd run --engine=auto (%s): %s, expected %s", how, w,
			  native_word);
		printf("%-7s: --deny-kernel -> emulated; without it -> %s\n", how, w);
	}

	/*
	 * --engine=kernel with the denial: userfaultfd(2) fails with EPERM,
	 * as under a seccomp filter.  Not checked for /dev/userfaultfd: the
	 * shim's open() of the device (use_kernel_device() in src/interpose/preload.c)
	 * ignores UFFD_DENY_KERNEL when the engine is "kernel" and hands out
	 * the real device, so that path still gets a kernel uffd.
	 */
	w = engine_of("syscall", kernel_deny_opts, pl_clean_env);
	CHECK_MSG(strstr(w, "status 1") && strstr(w, "Operation not permitted"),
		  "uffd run --engine=kernel --deny-kernel: %s", w);
	return 0;
}
