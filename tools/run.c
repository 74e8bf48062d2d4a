/* SPDX-License-Identifier: MIT */
/*
 * `uffd run [--engine auto|kernel|emulated] [--deny-kernel] [--] PROGRAM [ARGS...]`
 *
 * Runs an unmodified program with libuffd-preload.so in LD_PRELOAD, so
 * that its userfaultfd(2) calls, opens of /dev/userfaultfd and uffd ioctls
 * go through libuffd (docs/preload.md).  The program replaces this
 * process: its exit status is the program's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

#define PRELOAD "libuffd-preload.so"

/* Next to the uffd binary (build tree), or in ../lib (installed). */
static const char *find_preload(char *buf, size_t len)
{
	const char *env = getenv("UFFD_PRELOAD_PATH");
	char exe[PATH_MAX - 32], *slash;
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if (snprintf(buf, len, "%s/%s", exe, PRELOAD) < (int)len &&
	    access(buf, R_OK) == 0)
		return buf;
	if (snprintf(buf, len, "%s/../lib/%s", exe, PRELOAD) < (int)len &&
	    access(buf, R_OK) == 0)
		return buf;
	return NULL;
}

/* Tell an ASan runtime in the shim not to insist on coming first. */
static void asan_opts(void)
{
	const char *old = getenv("ASAN_OPTIONS");
	char buf[1024];

	if (old && strstr(old, "verify_asan_link_order"))
		return;
	snprintf(buf, sizeof(buf), "%s%sverify_asan_link_order=0", old ? old : "",
		 old && *old ? ":" : "");
	setenv("ASAN_OPTIONS", buf, 1);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: uffd run [--engine auto|kernel|emulated] [--deny-kernel] "
		"[--] PROGRAM [ARGS...]\n"
		"  --engine E     the engine for the program's userfaultfds (also "
		"--engine=E);\n"
		"                 default: $UFFD_ENGINE, else auto\n"
		"  --deny-kernel  make the kernel engine look blocked (UFFD_DENY_KERNEL=1)\n");
}

/* --engine E (or =E), --deny-kernel: into the environment the program gets. */
static int run_option(int argc, char **argv, int *i)
{
	const char *arg = argv[*i];

	if (!strncmp(arg, "--engine=", 9) || !strcmp(arg, "--engine")) {
		const char *e = arg[8] ? arg + 9 : *i + 1 < argc ? argv[++*i] : NULL;
		enum uffd_engine_kind kind;

		if (!e)
			return cli_usage_error("run", "option '--engine' needs a value");
		if (cli_engine("run", e, &kind))
			return EXIT_USAGE;
		setenv("UFFD_ENGINE", e, 1);
		return 0;
	}
	if (!strcmp(arg, "--deny-kernel")) {
		setenv("UFFD_DENY_KERNEL", "1", 1);
		return 0;
	}
	return -1;
}

int cmd_run(int argc, char **argv)
{
	char path[PATH_MAX], *pre;
	const char *lib, *old;
	int i, status;

	i = program_args("run", argc, argv, run_option, usage, &status);
	if (i < 0)
		return status;
	lib = find_preload(path, sizeof(path));
	if (!lib) {
		fprintf(stderr, "uffd run: cannot find %s (set UFFD_PRELOAD_PATH)\n",
			PRELOAD);
		return 1;
	}
	old = getenv("LD_PRELOAD");
	if (old && *old) {
		pre = malloc(strlen(lib) + strlen(old) + 2);
		if (!pre)
			return 1;
		sprintf(pre, "%s:%s", lib, old);
	} else {
		pre = strdup(lib);
	}
	setenv("LD_PRELOAD", pre, 1);
	free(pre);
	/* A sanitizer build of the shim cannot come first in the link order. */
	asan_opts();
	execvp(argv[i], argv + i);
	fprintf(stderr, "uffd run: %s: %s\n", argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
