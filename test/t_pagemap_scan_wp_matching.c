/* SPDX-License-Identifier: MIT */
/*
 * Dirty tracking with UFFD_FEATURE_WP_ASYNC and PAGEMAP_SCAN (the way Wine
 * and CRIU use it): PM_SCAN_WP_MATCHING with category_mask=WRITTEN reports
 * the pages written since the last scan, merged into regions, and
 * write-protects them again in the same call -- the next scan reports
 * nothing until the next writes.  Without a vector every page of the range
 * is protected.  A registration without WP_ASYNC is skipped by WP_MATCHING
 * and refused (EPERM) with PM_SCAN_CHECK_WPASYNC.
 */
#include "pagemap_util.h"

#define N 8

int main(void)
{
	struct pm_scan q = { .flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
			     .mask = PAGE_IS_WRITTEN, .ret = PAGE_IS_WRITTEN };
	struct page_region r[N];
	struct uffd_msg m;
	int fd, fd2, pm, i;
	char *p, *o;

	fd = pm_async_setup(&pm, &p, N);
	t_register(fd, p, N, UFFDIO_REGISTER_MODE_WP);
	pm_wp(fd, p, N, 1);
	CHECK_EQ(pm_scan(pm, p, N, r, N, &q), 0);
	CHECK_HEX(q.walk_end, (uintptr_t)(p + N * t_page));

	/* Writes to pages 1, 2 and 5: two regions. */
	p[t_page] = 1;
	p[2 * t_page] = 1;
	p[5 * t_page] = 1;
	CHECK_EQ(t_drain(fd, &m, 1), 0);	/* no message: resolved at once */
	CHECK_HEX(pm_flags(pm, p + t_page) & UFFD_PM_UFFD_WP, 0);
	CHECK_EQ(pm_scan(pm, p, N, r, N, &q), 2);
	CHECK_HEX(r[0].start, (uintptr_t)(p + t_page));
	CHECK_HEX(r[0].end, (uintptr_t)(p + 3 * t_page));
	CHECK_HEX(r[0].categories, PAGE_IS_WRITTEN);
	CHECK_HEX(r[1].start, (uintptr_t)(p + 5 * t_page));
	CHECK_HEX(r[1].end, (uintptr_t)(p + 6 * t_page));
	/* Protected again in the same call. */
	for (i = 0; i < N; i++)
		CHECK_MSG(pm_flags(pm, p + i * t_page) & UFFD_PM_UFFD_WP, "page %d", i);
	CHECK_EQ(pm_scan(pm, p, N, r, N, &q), 0);
	p[5 * t_page] = 2;
	CHECK_EQ(pm_scan(pm, p, N, r, N, &q), 1);
	CHECK_HEX(r[0].start, (uintptr_t)(p + 5 * t_page));
	CHECK_EQ(p[t_page] + p[2 * t_page] + p[5 * t_page], 4);

	/* No vector: everything in the range is protected, nothing reported. */
	p[0] = 3;
	p[7 * t_page] = 3;
	CHECK_EQ(pm_scan(pm, p, N, NULL, 0, &q), 0);
	CHECK_EQ(pm_scan(pm, p, N, r, N, &q), 0);

	/* A registration without WP_ASYNC. */
	fd2 = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	o = t_map(2);
	o[0] = 1;
	t_register(fd2, o, 2, UFFDIO_REGISTER_MODE_WP);
	CHECK_ERR(pm_scan(pm, o, 2, r, N, &q), EPERM);
	q.flags = PM_SCAN_WP_MATCHING;
	CHECK_EQ(pm_scan(pm, o, 2, r, N, &q), 0);
	CHECK_HEX(pm_flags(pm, o) & UFFD_PM_UFFD_WP, 0);
	q.flags = 0;
	CHECK_EQ(pm_scan(pm, o, 2, r, N, &q), 1);	/* o[0] and the empty o[1] */
	CHECK_HEX(r[0].start, (uintptr_t)o);
	CHECK_HEX(r[0].end, (uintptr_t)(o + 2 * t_page));
	close(fd2);
	close(fd);
	close(pm);
	return 0;
}
