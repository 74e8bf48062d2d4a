/*
 * The ioctls mask REGISTER writes back for shmem (spec 4.4): derived from
 * the requested modes only -- MISSING 0x13c, WP 0x17c, MISSING|WP 0x17c,
 * MINOR 0x1bc, MISSING|MINOR 0x1bc, MINOR|WP 0x1fc, MISSING|WP|MINOR
 * 0x1fc -- the same for a memfd and for MAP_SHARED|MAP_ANONYMOUS.
 */
#include "events_util.h"

#define MS UFFDIO_REGISTER_MODE_MISSING
#define WP UFFDIO_REGISTER_MODE_WP
#define MI UFFDIO_REGISTER_MODE_MINOR

int main(void)
{
	static const struct { uint64_t mode, ioctls; } cases[] = {
		{ MS, 0x13c }, { WP, 0x17c }, { MS | WP, 0x17c }, { MI, 0x1bc },
		{ MS | MI, 0x1bc }, { MI | WP, 0x1fc }, { MS | WP | MI, 0x1fc },
	};
	size_t i;
	char *p;
	int fd, mfd, kind;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_MINOR_SHMEM |
		  UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	mfd = shm_memfd("t_shmem_ioctls", 2, 0);
	for (kind = 0; kind < 2; kind++)
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			if (kind == 0)
				p = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
			else
				p = shm_map(-1, 2 * (size_t)t_page,
					    MAP_SHARED | MAP_ANONYMOUS);
			printf("%s mode %#llx -> expect %#llx\n", kind ? "shared anon" : "memfd",
			       (unsigned long long)cases[i].mode,
			       (unsigned long long)cases[i].ioctls);
			CHECK_HEX(t_register(fd, p, 2, cases[i].mode), cases[i].ioctls);
			t_unregister(fd, p, 2);
			CHECK_OK(munmap(p, 2 * (size_t)t_page));
		}
	close(fd);
	close(mfd);
	return 0;
}
