/* SPDX-License-Identifier: MIT */
/*
 * The `uffd` command-line tool: what its source files share.
 *
 * Every command is a function `int cmd_NAME(int argc, char **argv)` called
 * with argv[0] == "NAME"; it returns the process exit status (0 success,
 * 1 failure, 2 usage error).  uffd.c holds the command table.
 */
#ifndef UFFD_TOOLS_CLI_H
#define UFFD_TOOLS_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "uffd.h"

#ifndef LIBUFFD_VERSION
#define LIBUFFD_VERSION "0.1.0"
#endif

#define EXIT_USAGE 2

int cmd_probe(int argc, char **argv);
int cmd_bench(int argc, char **argv);	/* bench/bench.c: bench_main */
int cmd_run(int argc, char **argv);	/* tools/run.c */
int cmd_sandbox(int argc, char **argv);	/* tools/sandbox.c */
int cmd_serve(int argc, char **argv);	/* tools/pager_cmds.c */
int cmd_snapshot(int argc, char **argv);
int cmd_restore(int argc, char **argv);

/*
 * Options, an optional "--", then PROGRAM [ARGS...] (program_args.c):
 * @option takes each argument that starts with '-' (false: not an option
 * of this command); -h/--help prints @usage.  Returns the index of PROGRAM,
 * or -1 with the command's exit status in @status (help: 0, a bad or
 * missing argument: what @usage returns).
 */
int program_args(int argc, char **argv, bool (*option)(const char *arg),
		 int (*usage)(void), int *status);

/* "kernel", "emulated" or "auto". */
const char *engine_kind_name(enum uffd_engine_kind kind);

/* JSON output helpers (json.c). */
/* @s as a JSON string literal (quoted, escaped); NULL prints null. */
void json_str(FILE *f, const char *s);
/* A 64-bit mask as {"mask": N, "hex": "0x..", "names": [..]}. */
void json_mask(FILE *f, __u64 mask, const char *(*name)(unsigned int bit));

/*
 * Names of the bits set in @mask, comma-separated, into @buf; a bit
 * without a name reads "bit N".  "none" when @mask is 0.
 */
const char *mask_names(char *buf, size_t size, __u64 mask,
		       const char *(*name)(unsigned int bit));
/* Bit-indexed name functions, for the two helpers above. */
const char *feature_bit_name(unsigned int bit);
const char *ioctl_bit_name(unsigned int bit);

#endif
