/*
 * MISSING|MINOR on shmem (spec 9.1; ioctls 0x1bc): a page in no page
 * cache gives a MISSING fault (flags 0x0), resolved with UFFDIO_COPY into
 * the page cache; a page already cached gives a MINOR fault (0x4),
 * resolved with UFFDIO_CONTINUE.
 */
#include "events_util.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *reg, *alias, s[96];
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_MINOR_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_MINOR_SHMEM);
	mfd = shm_memfd("t_minor_missing_combo", 2, 0);
	reg = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	alias[t_page] = 0x40;
	CHECK_HEX(t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MISSING |
			     UFFDIO_REGISTER_MODE_MINOR), 0x1bc);

	t_touch_start(&t, reg + 3, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("read page 0 (not cached): %s\n", s);
	CHECK_STR(s, "PF +0 0");
	CHECK_OK(t_copy_byte(fd, reg, 0x41, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x41);
	t_touch_join(&t);
	CHECK_EQ(alias[3], 0x41);

	t_touch_start(&t, reg + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("read page 1 (cached): %s\n", s);
	CHECK_STR(s, "PF +1 0x4");
	CHECK_OK(t_continue(fd, reg + t_page, (size_t)t_page, 0, NULL));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x40);
	t_touch_join(&t);
	ev_none(fd, "end");
	close(fd);
	close(mfd);
	return 0;
}
