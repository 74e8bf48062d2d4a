/* SPDX-License-Identifier: MIT */
/*
 * The command line of the commands that run a program, `uffd run` and
 * `uffd sandbox`: options, an optional "--", then PROGRAM [ARGS...].
 */
#define _GNU_SOURCE
#include <string.h>
#include "cli.h"

int program_args(int argc, char **argv, bool (*option)(const char *arg),
		 int (*usage)(void), int *status)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage();
			*status = 0;
			return -1;
		}
		if (!option(argv[i])) {
			*status = usage();
			return -1;
		}
	}
	if (i >= argc) {
		*status = usage();
		return -1;
	}
	return i;
}
