/* SPDX-License-Identifier: MIT */
/* What `uffd serve`, `uffd snapshot`, `uffd restore` and `uffd handle` share. */
#ifndef UFFD_TOOLS_PAGER_CMDS_H
#define UFFD_TOOLS_PAGER_CMDS_H

#include <stdbool.h>
#include "cli.h"
#include "uffd_pager.h"

/* "sigbus", "zero", "wait" -> @out. */
int pc_policy(const char *cmd, const char *s, enum uffd_pager_on_error *out);
/*
 * The pager options of `uffd restore` and `uffd handle`, for their
 * getopt_long() tables and option strings.
 */
#define PC_PAGER_OPTIONS \
	{ "workers", required_argument, NULL, 'w' }, \
	{ "no-prefetch", no_argument, NULL, 'n' }, \
	{ "readahead", required_argument, NULL, 'a' }, \
	{ "batch", required_argument, NULL, 'b' }, \
	{ "record", required_argument, NULL, 'r' }, \
	{ "replay", required_argument, NULL, 'p' }, \
	{ "on-error", required_argument, NULL, 'E' }, \
	{ "timeout", required_argument, NULL, 't' }
#define PC_PAGER_SHORT "w:na:b:r:p:E:t:"
/*
 * Option @c (of PC_PAGER_OPTIONS) with argument @arg into @cfg, and the
 * plan file of --record into *record: 1 when @c is one of them, 0 when it
 * is not, -1 after a usage error was said.
 */
int pc_pager_option(const char *cmd, int c, const char *arg,
		    struct uffd_pager_config *cfg, const char **record);
/* Is @s a page-server address rather than an image path? */
bool pc_is_address(const char *s);
/* "cmd: <diagnostic>" on stderr; returns 1 (the exit status). */
int pc_fail(const char *cmd);

#endif
