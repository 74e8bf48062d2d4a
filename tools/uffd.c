/* SPDX-License-Identifier: MIT */
/*
 * uffd - the libuffd command-line tool.
 *
 *	uffd probe [--json]	what each userfaultfd engine can do here
 *	uffd bench [--json]	fault-handling benchmarks, engines side by side
 *	uffd version		the libuffd version
 *	uffd help [CMD]		this list, or CMD's help (as uffd CMD --help)
 *
 * A command is one row of the table below; adding one (bench, run, serve,
 * snapshot, restore) is a row and a cmd_NAME() function in its own file.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include "cli.h"

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *summary;
} commands[] = {
	{ "probe", cmd_probe, "[--json]",
	  "which userfaultfd engines work here, what they support, and why not" },
	{ "bench", cmd_bench, "[--json | --json-file F] [--reps N] [--full] [--only S] | pager | xproc | preload",
	  "benchmark every scenario on every engine, side by side" },
	{ "run", cmd_run, "[--engine auto|kernel|emulated] [--deny-kernel] [--force] [--] PROGRAM [ARGS...]",
	  "run an unmodified program with libuffd preloaded" },
	{ "sandbox", cmd_sandbox, "[--verbose] [--] PROGRAM [ARGS...]",
	  "run a program where userfaultfd(2) fails with EPERM and opening /dev/userfaultfd\n"
	  "      with EACCES, as under a container's seccomp profile" },
	{ "serve", cmd_serve, "--listen ADDR [--verify] IMAGE",
	  "serve the pages of a memory image to lazy restores" },
	{ "snapshot", cmd_snapshot, "[options] IMAGE",
	  "save a demo process's memory as an image" },
	{ "restore", cmd_restore, "[options] IMAGE|ADDR",
	  "restore an image lazily, from a file or a page server" },
	{ "handle", cmd_handle, "--socket PATH [--once] [options] STORE",
	  "serve the page faults of Firecracker-style VMMs from a memory file" },
	{ "version", cmd_version, "", "print the libuffd version" },
	{ "help", cmd_help, "[COMMAND]", "print this help, or the help of COMMAND" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: uffd <command> [options]\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s%s%s\n      %s\n", commands[i].name,
			commands[i].args[0] ? " " : "", commands[i].args,
			commands[i].summary);
	fprintf(f, "\nenvironment:\n"
		"  UFFD_ENGINE=auto|kernel|emulated   engine for uffd_open() (default auto)\n"
		"  UFFD_DENY_KERNEL=1                 make the kernel engine look blocked\n"
		"  UFFD_ORPHAN_POLICY=wait|sigbus|zerofill[:MS]\n"
		"                                     what a fault whose handler is gone gets\n"
		"\n'uffd help COMMAND' or 'uffd COMMAND --help' shows a command's options;\n"
		"uffd(1) and libuffd(7) have the details.\n");
}

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: uffd version\n");
		return 0;
	}
	if (argc > 1)
		return cli_usage_error("version", "takes no arguments, not '%s'", argv[1]);
	printf("uffd (libuffd) %s\n", LIBUFFD_VERSION);
	return 0;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* `uffd help CMD [SUB...]` is `uffd CMD [SUB...] --help`. */
static int cmd_help(int argc, char **argv)
{
	const struct command *c;
	char *args[8];
	int i;

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "uffd help: unknown command '%s' (uffd help lists them)\n",
			argv[1]);
		return EXIT_USAGE;
	}
	if (argc > 6)
		return cli_usage_error("help", "too many words after '%s'", argv[1]);
	for (i = 1; i < argc; i++)
		args[i - 1] = argv[i];
	args[argc - 1] = (char *)"--help";
	args[argc] = NULL;
	return c->run(argc, args);
}

int main(int argc, char **argv)
{
	const struct command *c;
	const char *name;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help"))
		name = "help";
	else if (!strcmp(name, "-V") || !strcmp(name, "--version"))
		name = "version";
	c = find_command(name);
	if (!c) {
		fprintf(stderr, "uffd: unknown command '%s' (uffd help lists them)\n",
			argv[1]);
		return EXIT_USAGE;
	}
	rc = c->run(argc - 1, argv + 1);
	if (fflush(stdout) != 0 && rc == 0)
		rc = 1;
	return rc;
}
