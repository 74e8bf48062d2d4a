/* SPDX-License-Identifier: MIT */
/*
 * The hugetlb features (spec 1.5): UFFDIO_API reports MISSING_HUGETLBFS,
 * MINOR_HUGETLBFS and WP_HUGETLBFS_SHMEM, and a uffd may ask for all three
 * (asking for a feature the engine lacks would be EINVAL).  No pool needed.
 */
#include "harness.h"

int main(void)
{
	uint64_t want = UFFD_FEATURE_MISSING_HUGETLBFS | UFFD_FEATURE_MINOR_HUGETLBFS |
			UFFD_FEATURE_WP_HUGETLBFS_SHMEM;
	int fd;

	t_init(30);
	CHECK_HEX(t_features() & want, want);
	fd = t_open_api(O_CLOEXEC, want);
	close(fd);
	return 0;
}
