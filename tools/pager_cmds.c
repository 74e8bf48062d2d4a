/* SPDX-License-Identifier: MIT */
/*
 * The pager's commands (tools/serve.c, snapshot.c, restore.c) and what
 * they share: parsing failure policies, telling an address from a path,
 * and printing the library's diagnostics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pager_cmds.h"

int pc_policy(const char *cmd, const char *s, enum uffd_pager_on_error *out)
{
	if (!strcmp(s, "sigbus"))
		*out = UFFD_ON_ERROR_SIGBUS;
	else if (!strcmp(s, "zero"))
		*out = UFFD_ON_ERROR_ZERO;
	else if (!strcmp(s, "wait"))
		*out = UFFD_ON_ERROR_WAIT;
	else {
		fprintf(stderr, "uffd %s: --on-error must be sigbus, zero or wait, "
			"not '%s'\n", cmd, s);
		return -1;
	}
	return 0;
}

bool pc_is_address(const char *s)
{
	if (!strncmp(s, "unix:", 5))
		return true;
	if (access(s, F_OK) == 0)
		return false;
	return strchr(s, ':') != NULL;
}

int pc_fail(const char *cmd)
{
	const char *d = uffd_pager_diagnostic();

	fprintf(stderr, "uffd %s: %s\n", cmd, *d ? d : strerror(errno));
	return 1;
}
