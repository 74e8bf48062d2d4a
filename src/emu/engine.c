/* SPDX-License-Identifier: MIT */
/* The emulated engine as the top level (src/open.c) sees it. */
#define _GNU_SOURCE
#include <stdio.h>
#include "emu/emu.h"
#include "base/real.h"

/* Features and masks of this engine, for uffd_probe_engine(). */
static void describe(struct uffd_engine_info *info)
{
	info->features = emu_features();
	info->ioctls = UFFD_API_IOCTLS_618;
	info->range_ioctls = UFFD_API_RANGE_IOCTLS_618 &
			     ~((uint64_t)1 << _UFFDIO_WRITEPROTECT |
			       (uint64_t)1 << _UFFDIO_CONTINUE);
	info->user_mode_only = 1;
	snprintf(info->path, sizeof(info->path), "guard markers + SIGSEGV");
}

static int emu_close(int fd)
{
	uint32_t idx = fdtab_get(fd);

	return idx ? emu_fd_close(fd, idx) : real_close(fd);
}

const struct engine_ops emu_engine = {
	.name = "emulated",
	.open = emu_open,
	.owns = emu_is_uffd,
	.ioctl = emu_ioctl,
	.adopt = emu_adopt,
	.close = emu_close,
	.set_orphan_policy = emu_set_orphan_policy,
	.describe = describe,
	.pagemap_scan = emu_pagemap_scan,
};
