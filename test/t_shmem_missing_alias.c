/*
 * MISSING on shmem (spec 9.1, 7.4): a memfd MAP_SHARED mapping registered
 * MISSING (ioctls 0x13c) next to a second, unregistered mapping of the
 * same memfd.  A page written through the second mapping is in the page
 * cache and is mapped silently through the registered one (no message);
 * a page in no cache faults (flags 0x0 read, 0x1 write); UFFDIO_COPY
 * puts the page into the page cache, so the second mapping sees it, and
 * later stores through either mapping are seen by the other.
 */
#include "events_util.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	unsigned char vec[4];
	char *reg, *alias, s[96];
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	mfd = shm_memfd("t_shmem_missing_alias", 4, 0);
	reg = shm_map(mfd, 4 * (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, 4 * (size_t)t_page, MAP_SHARED);
	CHECK_HEX(t_register(fd, reg, 4, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	alias[t_page + 3] = 0x71;
	t_touch_start(&t, reg + t_page + 3, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x71);
	t_touch_join(&t);
	ev_none(fd, "page cached through the alias");

	t_touch_start(&t, reg + 2 * t_page + 5, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("read page 2: %s\n", s);
	CHECK_STR(s, "PF +2 0");
	CHECK_OK(mincore(alias, 4 * (size_t)t_page, vec));
	CHECK_EQ(vec[2] & 1, 0);		/* in no cache yet */
	CHECK_OK(t_copy_byte(fd, reg + 2 * t_page, 0x72, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x72);
	t_touch_join(&t);
	CHECK_OK(mincore(alias, 4 * (size_t)t_page, vec));
	CHECK_EQ(vec[2] & 1, 1);		/* COPY put it there */
	CHECK_EQ(alias[2 * t_page + 100], 0x72);
	reg[2 * t_page] = 0x73;
	CHECK_EQ(alias[2 * t_page], 0x73);
	alias[2 * t_page + 1] = 0x74;
	CHECK_EQ(reg[2 * t_page + 1], 0x74);

	t_touch_start(&t, reg + 3 * t_page, 1, 0x75);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("write page 3: %s\n", s);
	CHECK_STR(s, "PF +3 0x1");
	CHECK_OK(t_zeropage(fd, reg + 3 * t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(alias[3 * t_page], 0x75);
	ev_none(fd, "end");
	close(fd);
	close(mfd);
	return 0;
}
