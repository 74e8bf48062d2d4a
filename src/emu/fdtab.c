/* SPDX-License-Identifier: MIT */
/*
 * Which file descriptors of this process are emulated userfaultfds: a
 * two-level table from fd number to context index, read without locks by
 * the read()/poll()/close() interposers (one load on their fast path).
 * Levels come from the engine's arena and are never freed.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include "emu/emu.h"

#define FD_LEAF_BITS	10
#define FD_TOP_BITS	11	/* fds below 2^21 */

typedef _Atomic uint32_t fdent_t;
static fdent_t *_Atomic fd_top[1UL << FD_TOP_BITS];
/* Any emulated uffd ever opened?  Keeps non-users at one predictable branch. */
_Atomic int fd_any;

uint32_t fdtab_get_slow(int fd)
{
	fdent_t *leaf;
	unsigned int u = (unsigned int)fd;

	if (!atomic_load_explicit(&fd_any, memory_order_relaxed))
		return 0;
	if (u >> (FD_LEAF_BITS + FD_TOP_BITS))
		return 0;
	leaf = atomic_load_explicit(&fd_top[u >> FD_LEAF_BITS],
				    memory_order_acquire);
	if (!leaf)
		return 0;
	return atomic_load_explicit(&leaf[u & ((1U << FD_LEAF_BITS) - 1)],
				    memory_order_acquire);
}

void fdtab_set(int fd, uint32_t index)
{
	unsigned int u = (unsigned int)fd;
	fdent_t *leaf;

	if (fd < 0 || u >> (FD_LEAF_BITS + FD_TOP_BITS))
		return;
	leaf = atomic_load_explicit(&fd_top[u >> FD_LEAF_BITS],
				    memory_order_acquire);
	if (!leaf) {
		fdent_t *fresh, *expect = NULL;

		if (!index)
			return;
		fresh = arena_alloc(sizeof(fdent_t) << FD_LEAF_BITS);
		if (!fresh)
			return;
		/* A racing thread may have installed one: use whichever won. */
		if (atomic_compare_exchange_strong(&fd_top[u >> FD_LEAF_BITS],
						   &expect, fresh))
			leaf = fresh;
		else
			leaf = expect;	/* ours stays unused in the arena */
	}
	if (index)
		atomic_store_explicit(&fd_any, 1, memory_order_relaxed);
	atomic_store_explicit(&leaf[u & ((1U << FD_LEAF_BITS) - 1)], index,
			      memory_order_release);
}
