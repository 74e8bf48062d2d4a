/* SPDX-License-Identifier: MIT */
/* `uffd run`: an unmodified program with libuffd-preload.so (issue 6). */
#include "cli.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "uffd run: not implemented yet\n");
	return EXIT_USAGE;
}
