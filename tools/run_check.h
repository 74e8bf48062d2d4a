/* SPDX-License-Identifier: MIT */
/*
 * `uffd run`: can the preload shim enter this program?  (tools/run_check.c)
 */
#ifndef UFFD_TOOLS_RUN_CHECK_H
#define UFFD_TOOLS_RUN_CHECK_H

#include <stddef.h>

/*
 * Looks at the program `execvp(@prog)` would run.  Returns NULL when the
 * shim can enter it (a dynamically linked program of this machine's kind,
 * a script, or one that cannot be read: exec decides), else why it cannot
 * and the fix, as a sentence fragment ("is statically linked, ...: link
 * it dynamically"), in @buf.
 */
const char *run_check_program(const char *prog, char *buf, size_t len);

#endif
