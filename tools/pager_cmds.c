/* SPDX-License-Identifier: MIT */
/* `uffd serve`, `uffd snapshot`, `uffd restore` (the pager, issue 9). */
#include "cli.h"

static int not_yet(const char *name)
{
	fprintf(stderr, "uffd %s: not implemented yet\n", name);
	return EXIT_USAGE;
}

int cmd_serve(int argc, char **argv)
{
	(void)argc;
	return not_yet(argv[0]);
}

int cmd_snapshot(int argc, char **argv)
{
	(void)argc;
	return not_yet(argv[0]);
}

int cmd_restore(int argc, char **argv)
{
	(void)argc;
	return not_yet(argv[0]);
}
