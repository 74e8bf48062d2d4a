/* SPDX-License-Identifier: MIT */
/*
 * The pager's commands (tools/serve.c, snapshot.c, restore.c, handle.c)
 * and what they share: the pager options, parsing failure policies,
 * telling an address from a path, and printing the library's diagnostics.
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

int pc_pager_option(const char *cmd, int c, const char *arg,
		    struct uffd_pager_config *cfg, const char **record)
{
	long v;

	switch (c) {
	case 'w': case 'a': case 'b': case 't':
		v = cli_number(cmd, c == 'w' ? "--workers" : c == 'a' ? "--readahead" :
			       c == 'b' ? "--batch" : "--timeout",
			       arg, 1, c == 't' ? 3600000 : 4096);
		if (v < 0)
			return -1;
		*(c == 'w' ? &cfg->workers : c == 'a' ? &cfg->readahead :
		  c == 'b' ? &cfg->batch : &cfg->timeout_ms) = (unsigned)v;
		return 1;
	case 'n':
		cfg->flags |= UFFD_PAGER_NO_PREFETCH;
		return 1;
	case 'r':
		*record = arg;
		cfg->flags |= UFFD_PAGER_RECORD | UFFD_PAGER_NO_PREFETCH;
		return 1;
	case 'p':
		cfg->replay = arg;
		return 1;
	case 'E':
		return pc_policy(cmd, arg, &cfg->on_error) ? -1 : 1;
	default:
		return 0;
	}
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
