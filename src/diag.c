/* SPDX-License-Identifier: MIT */
/* Per-thread text explaining the last uffd_open*() outcome. */
#define _GNU_SOURCE
#include <stdio.h>
#include "internal.h"

static __thread char diag_buf[512];

void diag_clear(void)
{
	diag_buf[0] = '\0';
}

void diag_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(diag_buf, sizeof(diag_buf), fmt, ap);
	va_end(ap);
}

const char *diag_get(void)
{
	return diag_buf;
}
