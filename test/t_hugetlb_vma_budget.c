/* SPDX-License-Identifier: MIT */
/*
 * The VMA cost of hugetlb (docs/emulated-engine.md): 32 huge pages
 * registered MISSING|WP, every other one filled by COPY, then the rest;
 * every other one write-protected, then none.  The kernel keeps one VMA
 * throughout.  The emulated engine hides a missing huge page with
 * PROT_NONE and a protected one with a read-only protection, and hugetlb
 * VMAs never merge again once split (VM_DONTEXPAND): checked, the region
 * never holds more VMAs than huge pages, whatever is done to it, and every
 * page reads its data at the end.  The counts are printed.
 */
#include "hugetlb_util.h"

#define NPAGES 32

int main(void)
{
	int v_reg, v_half, v_full, v_wp, v_unwp;
	char *p, *src;
	int64_t res;
	size_t i;
	int fd;

	fd = hp_start(HP_WP_FEATURES, NPAGES, 0);
	src = hp_source(0x3c);
	p = hp_anon_registered(fd, NPAGES, UFFDIO_REGISTER_MODE_MISSING |
			       UFFDIO_REGISTER_MODE_WP, 0x14c);
	v_reg = t_vma_count_in(p, NPAGES * HP_SIZE);
	for (i = 0; i < NPAGES; i += 2)
		CHECK_OK(hp_copy(fd, p + i * HP_SIZE, src, HP_SIZE, 0, &res));
	v_half = t_vma_count_in(p, NPAGES * HP_SIZE);
	for (i = 1; i < NPAGES; i += 2)
		CHECK_OK(hp_copy(fd, p + i * HP_SIZE, src, HP_SIZE, 0, &res));
	v_full = t_vma_count_in(p, NPAGES * HP_SIZE);
	for (i = 0; i < NPAGES; i += 2)
		CHECK_OK(hp_wp(fd, p + i * HP_SIZE, HP_SIZE, true));
	v_wp = t_vma_count_in(p, NPAGES * HP_SIZE);
	CHECK_OK(hp_wp(fd, p, NPAGES * HP_SIZE, false));
	v_unwp = t_vma_count_in(p, NPAGES * HP_SIZE);
	printf("VMAs over %d huge pages: registered %d, every other filled %d, full %d, "
	       "every other protected %d, unprotected %d\n", NPAGES, v_reg, v_half,
	       v_full, v_wp, v_unwp);
	CHECK(v_reg >= 1 && v_reg <= NPAGES);
	CHECK(v_half >= 1 && v_half <= NPAGES);
	CHECK(v_full >= 1 && v_full <= NPAGES);
	CHECK(v_wp >= 1 && v_wp <= NPAGES);
	CHECK(v_unwp >= 1 && v_unwp <= NPAGES);
	for (i = 0; i < NPAGES; i++)
		CHECK_EQ(p[i * HP_SIZE + 77], 0x3c);
	close(fd);
	return 0;
}
