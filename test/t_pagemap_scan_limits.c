/* SPDX-License-Identifier: MIT */
/*
 * PAGEMAP_SCAN's bounds over registered memory: regions merge pages whose
 * categories (after return_mask) are equal; the vector length and
 * max_pages stop the walk -- the return value counts the regions filled,
 * walk_end says where it stopped, and with PM_SCAN_WP_MATCHING only the
 * reported pages are write-protected; category_inverted and the any-of
 * mask select as the kernel does; a range of unregistered pages around a
 * registered one is reported in one walk.  Bad arguments fail as the
 * kernel fails them.
 */
#include "pagemap_util.h"

#define N 8

int main(void)
{
	struct pm_scan q = { .ret = PAGE_IS_PRESENT | PAGE_IS_WRITTEN | PAGE_IS_SWAPPED };
	struct page_region r[N];
	struct pm_scan_arg bad;
	int fd, pm, i;
	char *p;

	fd = pm_async_setup(&pm, &p, N);
	/* Unregistered, registered [1, 7), unregistered. */
	for (i = 0; i < N; i++)
		if (i != 3)
			p[i * t_page] = 1;
	t_register(fd, p + t_page, 6, UFFDIO_REGISTER_MODE_WP);
	pm_wp(fd, p + 4 * t_page, 2, 1);
	/*
	 * 0-2 present written, 3 a marker... no: 3 was never populated and
	 * WP did not reach it; 4-5 protected present, 6-7 present written.
	 */
	CHECK_EQ(pm_scan(pm, p, N, r, N, &q), 4);
	CHECK_HEX(r[0].start, (uintptr_t)p);
	CHECK_HEX(r[0].end, (uintptr_t)(p + 3 * t_page));
	CHECK_HEX(r[0].categories, PAGE_IS_PRESENT | PAGE_IS_WRITTEN);
	CHECK_HEX(r[1].categories, PAGE_IS_WRITTEN);		/* page 3 */
	CHECK_HEX(r[2].start, (uintptr_t)(p + 4 * t_page));
	CHECK_HEX(r[2].end, (uintptr_t)(p + 6 * t_page));
	CHECK_HEX(r[2].categories, PAGE_IS_PRESENT);
	CHECK_HEX(r[3].end, (uintptr_t)(p + N * t_page));
	CHECK_HEX(q.walk_end, (uintptr_t)(p + N * t_page));

	/* The vector holds two: the walk stops at the third region. */
	CHECK_EQ(pm_scan(pm, p, N, r, 2, &q), 2);
	CHECK_HEX(q.walk_end, (uintptr_t)(p + 4 * t_page));
	/* max_pages cuts a region short. */
	q.max_pages = 5;
	CHECK_EQ(pm_scan(pm, p, N, r, N, &q), 3);
	CHECK_HEX(r[2].end, (uintptr_t)(p + 5 * t_page));
	CHECK_HEX(q.walk_end, (uintptr_t)(p + 5 * t_page));
	q.max_pages = 0;
	/* Selection: not written, or swapped. */
	q.mask = PAGE_IS_WRITTEN;
	q.inverted = PAGE_IS_WRITTEN;
	CHECK_EQ(pm_scan(pm, p, N, r, N, &q), 1);
	CHECK_HEX(r[0].start, (uintptr_t)(p + 4 * t_page));
	q.mask = q.inverted = 0;
	q.anyof = PAGE_IS_SWAPPED;
	CHECK_EQ(pm_scan(pm, p, N, r, N, &q), 0);
	q.anyof = 0;

	/* The whole address space: only this registration is WP-allowed. */
	{
		struct pm_scan_arg a = {
			.size = sizeof(a), .start = (uint64_t)t_page, .end = 0x7ffffffff000ULL,
			.vec = (uintptr_t)r, .vec_len = N, .category_mask = PAGE_IS_WPALLOWED,
			.return_mask = PAGE_IS_WPALLOWED,
		};

		CHECK_EQ(uffd_ioctl(pm, PAGEMAP_SCAN, &a), 1);
		CHECK_HEX(r[0].start, (uintptr_t)(p + t_page));
		CHECK_HEX(r[0].end, (uintptr_t)(p + 7 * t_page));
		CHECK_HEX(a.walk_end, 0x7ffffffff000ULL);
	}

	/* WP_MATCHING with a vector of one: only what was reported is protected. */
	q.flags = PM_SCAN_WP_MATCHING;
	q.mask = q.ret = PAGE_IS_WRITTEN;
	CHECK_EQ(pm_scan(pm, p + t_page, 6, r, 1, &q), 1);
	CHECK_HEX(r[0].start, (uintptr_t)(p + t_page));
	CHECK_HEX(r[0].end, (uintptr_t)(p + 4 * t_page));
	CHECK_HEX(q.walk_end, (uintptr_t)(p + 6 * t_page));
	CHECK_HEX(pm_flags(pm, p + t_page) & UFFD_PM_UFFD_WP, UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_flags(pm, p + 3 * t_page), UFFD_PM_SWAP | UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_flags(pm, p + 6 * t_page) & UFFD_PM_UFFD_WP, 0);

	/* The kernel's argument checks. */
	memset(&bad, 0, sizeof(bad));
	bad.size = sizeof(bad) - 8;
	bad.start = (uintptr_t)p;
	bad.end = (uintptr_t)(p + N * t_page);
	CHECK_ERR(uffd_ioctl(pm, PAGEMAP_SCAN, &bad), EINVAL);
	bad.size = sizeof(bad);
	bad.flags = 4;
	CHECK_ERR(uffd_ioctl(pm, PAGEMAP_SCAN, &bad), EINVAL);
	bad.flags = 0;
	bad.return_mask = 1ULL << 20;
	CHECK_ERR(uffd_ioctl(pm, PAGEMAP_SCAN, &bad), EINVAL);
	bad.return_mask = PAGE_IS_WRITTEN;
	bad.start += 8;
	CHECK_ERR(uffd_ioctl(pm, PAGEMAP_SCAN, &bad), EINVAL);
	bad.start -= 8;
	bad.vec_len = 1;
	CHECK_ERR(uffd_ioctl(pm, PAGEMAP_SCAN, &bad), EINVAL);
	bad.vec = ~0ULL;
	CHECK_ERR(uffd_ioctl(pm, PAGEMAP_SCAN, &bad), EFAULT);
	CHECK_ERR(uffd_ioctl(pm, PAGEMAP_SCAN, NULL), EFAULT);
	close(fd);
	close(pm);
	return 0;
}
