/*
 * UFFDIO_CONTINUE_MODE_WP (spec 7.6, 13.2 "minor-wp"): on a shmem mapping
 * registered MINOR|WP (ioctls 0x1fc), a read gives a MINOR fault (0x4);
 * CONTINUE with MODE_WP maps the page write-protected: reads proceed, a
 * write gives a WP message (flags WRITE|WP, 0x3) and waits with the page
 * unchanged; UFFDIO_WRITEPROTECT mode 0 lets the store land in the page
 * cache.
 */
#include "events_util.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher t;
	struct uffd_msg m;
	int64_t mapped;
	char *reg, *alias, s[96];
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MINOR_SHMEM | UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_MINOR_SHMEM);
	mfd = shm_memfd("t_minor_continue_wp", 1, 0);
	reg = shm_map(mfd, (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, (size_t)t_page, MAP_SHARED);
	memset(alias, 0x31, (size_t)t_page);
	CHECK_HEX(t_register(fd, reg, 1, UFFDIO_REGISTER_MODE_MINOR |
			     UFFDIO_REGISTER_MODE_WP), 0x1fc);

	t_touch_start(&t, reg + 5, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("read: %s\n", s);
	CHECK_STR(s, "PF +0 0x4");
	CHECK_OK(t_continue(fd, reg, (size_t)t_page, UFFDIO_CONTINUE_MODE_WP, &mapped));
	CHECK_EQ(mapped, t_page);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x31);
	t_touch_join(&t);

	t_touch_start(&t, reg + 6, 1, 0x32);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("write: %s\n", s);
	CHECK_STR(s, "PF +0 0x3");
	CHECK(!t_touch_done(&t));
	CHECK_EQ(alias[6], 0x31);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)reg, (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x32);
	t_touch_join(&t);
	CHECK_EQ(alias[6], 0x32);
	reg[7] = 0x33;
	CHECK_EQ(alias[7], 0x33);
	ev_none(fd, "end");
	close(fd);
	close(mfd);
	return 0;
}
