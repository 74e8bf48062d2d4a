/* SPDX-License-Identifier: MIT */
/*
 * Progress bars for long work in the `uffd` tool, on stderr:
 *
 *	restoring  [##############..........]  58%  594/1024 MiB  812 MiB/s
 *
 * redrawn in place (at most ten times a second) when stderr is a
 * terminal; otherwise silent until the end, then one line.
 */
#ifndef UFFD_TOOLS_PROGRESS_H
#define UFFD_TOOLS_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *label;
	uint64_t total;		/* bytes */
	double t0, last;
	int tty;
};

void progress_start(struct progress *p, const char *label, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
/* The final line: label, size, time, rate. */
void progress_done(struct progress *p, uint64_t done);

#endif
