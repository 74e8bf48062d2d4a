/* SPDX-License-Identifier: MIT */
/* The environment variables that steer engine selection. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* $UFFD_ENGINE: auto (default), kernel or emulated. */
enum uffd_engine_kind env_engine(void)
{
	const char *s = getenv("UFFD_ENGINE");

	if (!s || !*s || !strcmp(s, "auto"))
		return UFFD_ENGINE_AUTO;
	if (!strcmp(s, "kernel"))
		return UFFD_ENGINE_KERNEL;
	if (!strcmp(s, "emulated") || !strcmp(s, "emulation") || !strcmp(s, "emu"))
		return UFFD_ENGINE_EMULATED;
	return (enum uffd_engine_kind)-1;
}

/*
 * $UFFD_DENY_KERNEL=1 makes the kernel facility look blocked (EPERM, as a
 * seccomp filter would answer), so that `auto` must fall back.
 */
bool env_deny_kernel(void)
{
	const char *s = getenv("UFFD_DENY_KERNEL");

	return s && *s && strcmp(s, "0") != 0;
}
