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
#define LIBUFFD_VERSION "unknown"
#endif

#define EXIT_USAGE 2

int cmd_probe(int argc, char **argv);
int cmd_bench(int argc, char **argv);	/* bench/bench.c: bench_main */
int cmd_run(int argc, char **argv);	/* tools/run.c */
int cmd_sandbox(int argc, char **argv);	/* tools/sandbox.c */
int cmd_serve(int argc, char **argv);	/* tools/pager_cmds.c */
int cmd_snapshot(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_handle(int argc, char **argv);	/* tools/handle.c */

/*
 * Options, an optional "--", then PROGRAM [ARGS...] (program_args.c) of
 * `uffd CMD`: @option takes argv[*i], which starts with '-', and may take
 * the next argument too (advancing *i): 0 done, -1 not an option of this
 * command, else the exit status after its own one-line error.
 * -h/--help prints @usage on stdout.  Returns the index of PROGRAM, or -1
 * with the command's exit status in @status (help: 0; a bad or missing
 * argument: EXIT_USAGE, after one line on stderr).
 */
int program_args(const char *cmd, int argc, char **argv,
		 int (*option)(int argc, char **argv, int *i),
		 void (*usage)(FILE *f), int *status);

/* "kernel", "emulated" or "auto". */
const char *engine_kind_name(enum uffd_engine_kind kind);

/*
 * Arguments (args.c).  Each check prints one line on stderr when the
 * argument is bad: "uffd CMD: ..." (CMD may be "bench pager").
 */
/* "uffd CMD: <fmt...> (see uffd help CMD)"; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * After getopt_long() with an optstring starting with ':' returned @c
 * ('?' or ':'): the offending word is argv[optind_now - 1].
 */
int cli_getopt_error(const char *cmd, int c, char **argv, int optind_now);
/* A number from @min to @max, or -1 after a message. */
long cli_number(const char *cmd, const char *opt, const char *s, long min, long max);
/* "auto", "kernel", "emulated" -> @out; -1 (after a message) if bad. */
int cli_engine(const char *cmd, const char *s, enum uffd_engine_kind *out);
/*
 * A comma-separated list of words out of @names (NULL-terminated), as a
 * mask (bit i: names[i]); -1 after a message naming the bad list.
 */
long cli_list(const char *cmd, const char *opt, const char *s,
	      const char *const *names);

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
