/* SPDX-License-Identifier: MIT */
/*
 * Page-state table: one 32-bit word per page that was ever registered,
 * found from the address in three steps, like a page table.  Readers (the
 * fault path) use acquire loads and never block; levels are allocated under
 * emu_lock and never freed (invariant I1 in emu.h).
 *
 * 47-bit user addresses: 35 bits of page number = 11 (top) + 12 + 12.
 * A leaf covers 16 MiB of address space with 16 KiB of words.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sched.h>
#include <stdlib.h>
#include "emu/emu.h"

#define LEAF_BITS	12
#define MID_BITS	12
#define TOP_BITS	11
#define LEAF_N		(1UL << LEAF_BITS)
#define MID_N		(1UL << MID_BITS)
#define TOP_N		(1UL << TOP_BITS)

typedef pageword_t *_Atomic leafptr_t;
typedef leafptr_t *_Atomic midptr_t;

static midptr_t top[TOP_N];
_Atomic int pt_any;

pageword_t *pt_word(uintptr_t addr)
{
	uintptr_t pn = addr >> EMU_PAGE_SHIFT;
	leafptr_t *mid;
	pageword_t *leaf;

	if (pn >> (LEAF_BITS + MID_BITS + TOP_BITS))
		return NULL;
	mid = atomic_load_explicit(&top[pn >> (LEAF_BITS + MID_BITS)],
				   memory_order_acquire);
	if (!mid)
		return NULL;
	leaf = atomic_load_explicit(&mid[(pn >> LEAF_BITS) & (MID_N - 1)],
				    memory_order_acquire);
	if (!leaf)
		return NULL;
	return &leaf[pn & (LEAF_N - 1)];
}

static void *zalloc(size_t len)
{
	return arena_alloc(len);	/* see arena.c */
}

/* Make words exist for [start, end).  Caller holds emu_lock. */
int pt_ensure(uintptr_t start, uintptr_t end)
{
	uintptr_t pn, last = (end - 1) >> EMU_PAGE_SHIFT;

	for (pn = start >> EMU_PAGE_SHIFT; pn <= last;
	     pn = (pn | (LEAF_N - 1)) + 1) {
		uintptr_t ti = pn >> (LEAF_BITS + MID_BITS);
		uintptr_t mi = (pn >> LEAF_BITS) & (MID_N - 1);
		leafptr_t *mid;

		if (ti >= TOP_N)
			return -ENOMEM;
		mid = atomic_load_explicit(&top[ti], memory_order_acquire);
		if (!mid) {
			mid = zalloc(MID_N * sizeof(*mid));
			if (!mid)
				return -ENOMEM;
			atomic_store_explicit(&top[ti], mid, memory_order_release);
		}
		if (!atomic_load_explicit(&mid[mi], memory_order_acquire)) {
			pageword_t *leaf = zalloc(LEAF_N * sizeof(*leaf));

			if (!leaf)
				return -ENOMEM;
			atomic_store_explicit(&mid[mi], leaf, memory_order_release);
			atomic_store_explicit(&pt_any, 1, memory_order_relaxed);
		}
	}
	return 0;
}

/* Take PS_BUSY on a page, waiting for another owner; returns the prior word. */
uint32_t page_take(pageword_t *pw)
{
	uint32_t w = atomic_load(pw);

	for (;;) {
		if (w & PS_BUSY) {
			sched_yield();
			w = atomic_load(pw);
		} else if (atomic_compare_exchange_weak(pw, &w, w | PS_BUSY)) {
			return w;
		}
	}
}

/* Does any level of the table exist for some page of [s, e)? */
bool pt_maybe(uintptr_t s, uintptr_t e)
{
	uintptr_t a;

	for (a = s & ~((LEAF_N << EMU_PAGE_SHIFT) - 1); a < e;
	     a += LEAF_N << EMU_PAGE_SHIFT) {
		if (pt_word(a) || pt_word(a | ((LEAF_N - 1) << EMU_PAGE_SHIFT)))
			return true;
		if (a + (LEAF_N << EMU_PAGE_SHIFT) < a)
			break;
	}
	return false;
}

/* First address past the leaf covering @a. */
uintptr_t pt_leaf_end(uintptr_t a)
{
	return (a | ((LEAF_N << EMU_PAGE_SHIFT) - 1)) + 1;
}

/*
 * The first address >= @a that a leaf of the table may cover: @a itself
 * when its leaf exists, else the start of the next leaf whose top- and
 * middle-level entries exist (absent levels are skipped whole).  0 past
 * the end of the table.
 */
uintptr_t pt_next_leaf(uintptr_t a)
{
	uintptr_t pn = a >> EMU_PAGE_SHIFT;

	while (!(pn >> (LEAF_BITS + MID_BITS + TOP_BITS))) {
		leafptr_t *mid = atomic_load_explicit(&top[pn >> (LEAF_BITS + MID_BITS)],
						      memory_order_acquire);

		if (!mid) {
			pn = ((pn >> (LEAF_BITS + MID_BITS)) + 1) << (LEAF_BITS + MID_BITS);
			continue;
		}
		if (atomic_load_explicit(&mid[(pn >> LEAF_BITS) & (MID_N - 1)],
					 memory_order_acquire))
			return pn == a >> EMU_PAGE_SHIFT ? a : pn << EMU_PAGE_SHIFT;
		pn = ((pn >> LEAF_BITS) + 1) << LEAF_BITS;
	}
	return 0;
}
