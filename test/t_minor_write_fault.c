/*
 * A write to a page that is in the page cache but not mapped by a
 * MINOR-registered shmem mapping (spec 9.1, 9.2): one message, flags
 * MINOR|WRITE (0x5); the page keeps its contents meanwhile; after
 * UFFDIO_CONTINUE the store lands in the page cache page, visible through
 * the other mapping.  A read fault on the next page has flags 0x4.
 */
#include "events_util.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *reg, *alias, s[96];
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MINOR_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_MINOR_SHMEM);
	mfd = shm_memfd("t_minor_write_fault", 2, 0);
	reg = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	memset(alias, 0x20, 2 * (size_t)t_page);
	t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MINOR);

	t_touch_start(&t, reg + 16, 1, 0x21);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("write page 0: %s\n", s);
	CHECK_STR(s, "PF +0 0x5");
	CHECK(!t_touch_done(&t));
	CHECK_EQ(alias[16], 0x20);
	CHECK_OK(t_continue(fd, reg, (size_t)t_page, 0, NULL));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x21);
	t_touch_join(&t);
	CHECK_EQ(alias[16], 0x21);
	CHECK_EQ(alias[17], 0x20);

	t_touch_start(&t, reg + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("read page 1: %s\n", s);
	CHECK_STR(s, "PF +1 0x4");
	CHECK_OK(t_continue(fd, reg + t_page, (size_t)t_page, 0, NULL));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x20);
	t_touch_join(&t);
	ev_none(fd, "end");
	close(fd);
	close(mfd);
	return 0;
}
