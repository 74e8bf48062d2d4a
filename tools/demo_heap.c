/* SPDX-License-Identifier: MIT */
/* The demo heap of `uffd snapshot` and `uffd restore` (demo_heap.h). */
#include <string.h>
#include "demo_heap.h"

#define MAGIC 0x5041454844464655ULL	/* "UFFDHEAP" little-endian */

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int empty(size_t i)
{
	return i % 4 == 3;
}

void demo_heap_fill(void *heap, size_t npages, size_t ps, uint64_t seed)
{
	size_t i, w, words = ps / 8;

	for (i = 0; i < npages; i++) {
		uint64_t *p = (uint64_t *)((char *)heap + i * ps), sum = 0;

		if (empty(i)) {
			memset(p, 0, ps);
			continue;
		}
		p[0] = MAGIC;
		p[1] = i;
		p[2] = seed;
		for (w = 4; w < words; w++)
			sum += p[w] = mix(seed ^ (i << 20) ^ w);
		p[3] = sum;
	}
}

int demo_heap_check(const void *page, size_t i, size_t ps)
{
	const uint64_t *p = page;
	size_t w, words = ps / 8;
	uint64_t sum = 0;

	if (empty(i)) {
		for (w = 0; w < words; w++)
			if (p[w])
				return -1;
		return 0;
	}
	if (p[0] != MAGIC || p[1] != i)
		return -1;
	for (w = 4; w < words; w++) {
		if (p[w] != mix(p[2] ^ (i << 20) ^ w))
			return -1;
		sum += p[w];
	}
	return sum == p[3] ? 0 : -1;
}

size_t demo_heap_query(const void *heap, size_t npages, size_t ps, size_t n)
{
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t k, bad = 0;

	for (k = 0; k < n; k++) {
		size_t i;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (size_t)((x >> 17) % npages);
		bad += demo_heap_check((const char *)heap + i * ps, i, ps) != 0;
	}
	return bad;
}
