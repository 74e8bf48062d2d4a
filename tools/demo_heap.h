/* SPDX-License-Identifier: MIT */
/*
 * The demo process of `uffd snapshot` / `uffd restore`: a heap of
 * "records", one per page, that a restored process can check without
 * knowing how it was made.  Each data page starts with
 *
 *	u64 magic "UFFDHEAP", u64 page index, u64 seed, u64 checksum
 *
 * followed by words derived from (index, seed); the checksum covers them.
 * One page in four is left empty (all zero), like the holes of a real
 * heap: the image stores those as zero pages and the pager resolves them
 * with UFFDIO_ZEROPAGE.
 */
#ifndef UFFD_TOOLS_DEMO_HEAP_H
#define UFFD_TOOLS_DEMO_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define DEMO_LABEL "uffd snapshot demo heap"

/* Fill @npages pages at @heap (page size @ps) with the demo records. */
void demo_heap_fill(void *heap, size_t npages, size_t ps, uint64_t seed);
/* Check page @i: 0 if it is a valid record (or an expected empty page). */
int demo_heap_check(const void *page, size_t i, size_t ps);
/* The application's query: look up @n records spread over the heap;
 * returns the number of bad records found. */
size_t demo_heap_query(const void *heap, size_t npages, size_t ps, size_t n);

#endif
