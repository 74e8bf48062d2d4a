/* SPDX-License-Identifier: MIT */
/*
 * The command line of the commands that run a program, `uffd run` and
 * `uffd sandbox`: options, an optional "--", then PROGRAM [ARGS...].
 */
#define _GNU_SOURCE
#include <string.h>
#include "cli.h"

int program_args(const char *cmd, int argc, char **argv,
		 int (*option)(int argc, char **argv, int *i),
		 void (*usage)(FILE *f), int *status)
{
	int i, r;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			*status = 0;
			return -1;
		}
		r = option(argc, argv, &i);
		if (r < 0)
			r = cli_getopt_error(cmd, '?', argv, i + 1);
		if (r) {
			*status = r;
			return -1;
		}
	}
	if (i >= argc) {
		*status = cli_usage_error(cmd, "no PROGRAM given");
		return -1;
	}
	return i;
}
