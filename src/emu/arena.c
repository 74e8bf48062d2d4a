/* SPDX-License-Identifier: MIT */
/*
 * Memory for the engine's own tables (page-state table, descriptor table).
 *
 * Not malloc() and not a fresh mmap() per table: either may place our
 * memory in a gap between the application's mappings -- it would then be
 * mapped where the application expects a hole, and could merge with the
 * application's VMAs.  Instead one large reservation is made the first
 * time, named "[anon:libuffd]", and handed out with a bump pointer.  It is
 * MAP_NORESERVE: untouched pages cost nothing.  Allocation is lock-free
 * and async-signal-safe; nothing is ever freed.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include "emu/emu.h"
#include "base/real.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

#define ARENA_SIZE (256UL << 20)

struct arena {
	char *base;
	_Atomic size_t used;
	struct arena *_Atomic next;
};

static struct arena *_Atomic current;

static struct arena *arena_new(void)
{
	/* The header lives at the start of its own arena. */
	char *p = real_mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct arena *a;

	if (p == MAP_FAILED)
		return NULL;
	prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, ARENA_SIZE,
	      (unsigned long)"libuffd");
	a = (struct arena *)p;
	a->base = p;
	atomic_store(&a->used, 4096);
	atomic_store(&a->next, NULL);
	return a;
}

/* Zeroed, page-aligned memory of @len bytes, or NULL. */
void *arena_alloc(size_t len)
{
	len = (len + 4095) & ~(size_t)4095;
	if (len > ARENA_SIZE / 2)
		return NULL;
	for (;;) {
		struct arena *a = atomic_load(&current), *n;
		size_t off;

		if (!a) {
			n = arena_new();
			if (!n)
				return NULL;
			if (!atomic_compare_exchange_strong(&current, &a, n))
				real_munmap(n, ARENA_SIZE);	/* another thread won */
			continue;
		}
		off = atomic_fetch_add(&a->used, len);
		if (off + len <= ARENA_SIZE)
			return a->base + off;
		/* Full: chain a new one (once), then retry. */
		n = atomic_load(&a->next);
		if (!n) {
			struct arena *fresh = arena_new();

			if (!fresh)
				return NULL;
			if (!atomic_compare_exchange_strong(&a->next, &n, fresh))
				real_munmap(fresh, ARENA_SIZE);
			else
				n = fresh;
		}
		atomic_compare_exchange_strong(&current, &a, n);
	}
}
