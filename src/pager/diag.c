/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics of the pager, the stores, images and the page server: each
 * failing call leaves one line of text in a thread-local buffer, like
 * uffd_diagnostic() does for uffd_open().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include "pager/pager.h"

static __thread char diag[512];

PAGER_API const char *uffd_pager_diagnostic(void)
{
	return diag;
}

PAGER_API void uffd_pager_diagnose(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(diag, sizeof(diag), fmt, ap);
	va_end(ap);
}

int pager_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(diag, sizeof(diag), fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

void pager_diag_clear(void)
{
	diag[0] = '\0';
}

bool pager_err_transient(int err)
{
	switch (err) {
	case ECONNREFUSED:
	case ECONNRESET:
	case ECONNABORTED:
	case EPIPE:
	case ETIMEDOUT:
	case EIO:
	case EAGAIN:
	case ENOTCONN:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ENOBUFS:
	case ENOMEM:
	case EINTR:
		return true;
	}
	return false;
}
