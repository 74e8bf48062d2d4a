/*
 * UFFDIO_WRITEPROTECT on a range without a WP-registered VMA (spec 8):
 * never-registered memory, MISSING-only memory and an unmapped range all
 * fail with ENOENT; nothing is protected (writes proceed, no message).
 */
#include "harness.h"

static int wp(int fd, void *a, size_t npages, uint64_t mode)
{
	struct uffdio_writeprotect w = {
		{ (uintptr_t)a, npages * (uint64_t)t_page }, mode,
	};

	return uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &w);
}

int main(void)
{
	const uint64_t WP = UFFDIO_WRITEPROTECT_MODE_WP;
	struct t_toucher t;
	struct uffd_msg m;
	char *plain, *miss, *hole;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	plain = t_map(2);
	memset(plain, 1, 2 * (size_t)t_page);
	miss = t_map(2);
	memset(miss, 2, 2 * (size_t)t_page);
	t_register(fd, miss, 2, UFFDIO_REGISTER_MODE_MISSING);
	hole = t_hole();

	CHECK_ERR(wp(fd, plain, 2, WP), ENOENT);
	CHECK_ERR(wp(fd, plain, 2, 0), ENOENT);
	CHECK_ERR(wp(fd, miss, 2, WP), ENOENT);
	CHECK_ERR(wp(fd, miss, 1, 0), ENOENT);
	CHECK_ERR(wp(fd, miss, 1, UFFDIO_WRITEPROTECT_MODE_DONTWAKE), ENOENT);
	CHECK_ERR(wp(fd, hole, 1, WP), ENOENT);
	CHECK_ERR(wp(fd, hole, 1, 0), ENOENT);

	t_touch_start(&t, plain + t_page, 1, 3);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	t_touch_start(&t, miss + t_page, 1, 4);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(plain[t_page], 3);
	CHECK_EQ(miss[t_page], 4);
	close(fd);
	return 0;
}
