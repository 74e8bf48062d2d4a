/*
 * MINOR without MISSING (spec 9.1): an access to a page in no page cache
 * is an ordinary fault -- no message, a zeroed page is allocated in the
 * page cache (so the other mapping shares it) -- for reads and writes;
 * only pages already cached give MINOR messages.
 */
#include "events_util.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	unsigned char vec[3];
	char *reg, *alias, s[96];
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MINOR_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_MINOR_SHMEM);
	mfd = shm_memfd("t_minor_only_uncached", 3, 0);
	reg = shm_map(mfd, 3 * (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, 3 * (size_t)t_page, MAP_SHARED);
	alias[2 * t_page] = 0x52;
	t_register(fd, reg, 3, UFFDIO_REGISTER_MODE_MINOR);

	t_touch_start(&t, reg + 9, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	t_touch_start(&t, reg + t_page + 9, 1, 0x51);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	ev_none(fd, "touching uncached pages");
	CHECK_OK(mincore(alias, 3 * (size_t)t_page, vec));
	CHECK_EQ(vec[0] & 1, 1);
	CHECK_EQ(vec[1] & 1, 1);
	CHECK_EQ(alias[t_page + 9], 0x51);
	alias[10] = 0x50;
	CHECK_EQ(reg[10], 0x50);

	t_touch_start(&t, reg + 2 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("read page 2 (cached): %s\n", s);
	CHECK_STR(s, "PF +2 0x4");
	CHECK_OK(t_continue(fd, reg + 2 * t_page, (size_t)t_page, 0, NULL));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x52);
	t_touch_join(&t);
	close(fd);
	close(mfd);
	return 0;
}
