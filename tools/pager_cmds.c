/* SPDX-License-Identifier: MIT */
/*
 * The pager's commands (tools/serve.c, snapshot.c, restore.c) and what
 * they share: parsing engines, failure policies and numbers, telling an
 * address from a path, and printing the library's diagnostics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pager_cmds.h"

int pc_engine(const char *cmd, const char *s, enum uffd_engine_kind *out)
{
	if (!strcmp(s, "auto"))
		*out = UFFD_ENGINE_AUTO;
	else if (!strcmp(s, "kernel"))
		*out = UFFD_ENGINE_KERNEL;
	else if (!strcmp(s, "emulated"))
		*out = UFFD_ENGINE_EMULATED;
	else {
		fprintf(stderr, "uffd %s: engine must be auto, kernel or emulated, "
			"not '%s'\n", cmd, s);
		return -1;
	}
	return 0;
}

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

long pc_number(const char *cmd, const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "uffd %s: %s wants a number from %ld to %ld, not '%s'\n",
			cmd, opt, min, max, s);
		return -1;
	}
	return v;
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
