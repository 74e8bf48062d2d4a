/* SPDX-License-Identifier: MIT */
/*
 * Range checks, in the kernel's order (fs/userfaultfd.c validate_range and
 * validate_unaligned_range, Linux 6.18 with the 2026 removal of the
 * mmap_min_addr check).  Every operation of the emulated engine uses these.
 */
#define _GNU_SOURCE
#include <errno.h>
#include "emu/emu.h"

int validate_unaligned_range(uint64_t start, uint64_t len)
{
	if (len & ~EMU_PAGE_MASK)
		return -EINVAL;
	if (!len)
		return -EINVAL;
	if (start >= UFFD_TASK_SIZE)
		return -EINVAL;
	if (len > UFFD_TASK_SIZE - start)
		return -EINVAL;
	if (start + len <= start)
		return -EINVAL;
	return 0;
}

int validate_range(uint64_t start, uint64_t len)
{
	if (start & ~EMU_PAGE_MASK)
		return -EINVAL;
	return validate_unaligned_range(start, len);
}
