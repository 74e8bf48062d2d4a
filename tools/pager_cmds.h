/* SPDX-License-Identifier: MIT */
/* What `uffd serve`, `uffd snapshot` and `uffd restore` share. */
#ifndef UFFD_TOOLS_PAGER_CMDS_H
#define UFFD_TOOLS_PAGER_CMDS_H

#include <stdbool.h>
#include "cli.h"
#include "uffd_pager.h"

/* "sigbus", "zero", "wait" -> @out. */
int pc_policy(const char *cmd, const char *s, enum uffd_pager_on_error *out);
/* Is @s a page-server address rather than an image path? */
bool pc_is_address(const char *s);
/* "cmd: <diagnostic>" on stderr; returns 1 (the exit status). */
int pc_fail(const char *cmd);

#endif
