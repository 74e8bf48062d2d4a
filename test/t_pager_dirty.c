/* SPDX-License-Identifier: MIT */
/*
 * Dirty tracking: a 1 MiB region, half of it written before tracking
 * starts, half never touched.  After the start, writes to a chosen set of
 * pages -- populated and never-touched ones, single pages and a run --
 * are exactly what uffd_dirty_collect reports; reads are not writes;
 * without RESET the set stays; after RESET only later writes show; the
 * data written is intact; a region restored by a pager can be tracked
 * once the pager is done with it.
 */
#include "pager_util.h"

#define NPAGES 256

static void write_page(char *m, size_t page, char v)
{
	((volatile char *)m)[page * (size_t)t_page + 17] = v;
}

static void expect(struct uffd_dirty *d, const size_t *pages, size_t n,
		   unsigned flags)
{
	uint64_t bits[NPAGES / 64], want[NPAGES / 64] = { 0 };
	ssize_t got;
	size_t i;

	for (i = 0; i < n; i++)
		want[pages[i] / 64] |= 1ULL << (pages[i] % 64);
	got = uffd_dirty_collect(d, bits, flags);
	CHECK_MSG(got >= 0, "collect: %s", uffd_pager_diagnostic());
	for (i = 0; i < NPAGES / 64; i++)
		CHECK_MSG(bits[i] == want[i], "word %zu: %#" PRIx64 ", expected %#"
			  PRIx64, i, bits[i], want[i]);
	CHECK_EQ(got, n);
}

int main(void)
{
	static const size_t first[] = { 3, 7, 100, 101, 102, 103, 104, 105, 200, 255 };
	static const size_t second[] = { 7, 150 };
	size_t i;
	struct uffd_dirty *d;
	char *m;

	t_init(60);
	tp_require_engine();
	m = t_map(NPAGES);
	for (i = 0; i < NPAGES / 2; i++)
		m[i * (size_t)t_page] = (char)i;	/* pages 128.. never touched */

	d = uffd_dirty_start(m, NPAGES * (size_t)t_page, UFFD_ENGINE_AUTO);
	if (!d && (errno == EINVAL || errno == ENOTSUP))
		t_skip("%s engine: %s", t_engine_name, uffd_pager_diagnostic());
	CHECK_MSG(d, "uffd_dirty_start: %s", uffd_pager_diagnostic());
	CHECK(!strcmp(uffd_dirty_engine(d), t_engine_name) ||
	      !strcmp(t_engine_name, "auto"));
	expect(d, NULL, 0, 0);

	for (i = 0; i < NPAGES; i++)		/* reads are not writes */
		(void)*(volatile char *)(m + i * (size_t)t_page);
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		write_page(m, first[i], 'a');
	write_page(m, 3, 'b');			/* twice: one fault */
	expect(d, first, sizeof(first) / sizeof(first[0]), 0);
	expect(d, first, sizeof(first) / sizeof(first[0]), UFFD_DIRTY_RESET);
	CHECK_EQ(uffd_dirty_faults(d), sizeof(first) / sizeof(first[0]));

	expect(d, NULL, 0, 0);
	for (i = 0; i < sizeof(second) / sizeof(second[0]); i++)
		write_page(m, second[i], 'c');
	expect(d, second, 2, UFFD_DIRTY_RESET);
	expect(d, NULL, 0, 0);

	CHECK_EQ(m[3 * t_page + 17], 'b');
	CHECK_EQ(m[7 * t_page + 17], 'c');
	CHECK_EQ(m[200 * t_page + 17], 'a');
	CHECK_EQ(m[150 * t_page + 17], 'c');
	CHECK_EQ(m[10 * t_page], 10);
	CHECK_EQ(m[130 * t_page], 0);
	uffd_dirty_stop(d);
	m[5 * t_page] = 1;			/* writable again, untracked */
	munmap(m, NPAGES * (size_t)t_page);

	/* Restore with a pager, then track the restored memory. */
	{
		const char *img = tp_path("image");
		struct uffd_pager *p;
		static const size_t w[] = { 0, 64, 65 };

		tp_make_image(img, NPAGES, 4);
		p = tp_pager(uffd_store_file_open(img, 0), NULL);
		m = uffd_pager_map(p, 0, NPAGES, NULL);
		CHECK(m);
		CHECK_OK(uffd_pager_complete(p, 10000));
		CHECK_OK(uffd_pager_close(p));
		d = uffd_dirty_start(m, NPAGES * (size_t)t_page, UFFD_ENGINE_AUTO);
		CHECK_MSG(d, "uffd_dirty_start: %s", uffd_pager_diagnostic());
		for (i = 0; i < 3; i++)
			write_page(m, w[i], 'z');
		expect(d, w, 3, UFFD_DIRTY_RESET);
		uffd_dirty_stop(d);
		for (i = 0; i < NPAGES; i++) {
			if (i == 0 || i == 64 || i == 65)
				continue;
			CHECK_MSG(tp_page_bad(m + i * (size_t)t_page, i, 4) < 0,
				  "page %zu changed", i);
		}
		munmap(m, NPAGES * (size_t)t_page);
	}
	return 0;
}
