/*
 * UFFD_EVENT_REMOVE on shared memory (spec 11.4): on a memfd MAP_SHARED
 * mapping registered MISSING, MADV_REMOVE of pages 1..2 gives REMOVE
 * +1..+3 and punches the pages out of the page cache (another mapping of
 * the memfd reads zeros, and the registered mapping faults MISSING
 * again); MADV_DONTNEED of page 0 gives REMOVE +0..+1 but only drops the
 * mapping: the page stays in the cache and is mapped again silently.
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
	t_require(UFFD_FEATURE_EVENT_REMOVE | UFFD_FEATURE_MISSING_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_REMOVE);
	mfd = shm_memfd("t_event_remove_shmem", 4, 0);
	reg = shm_map(mfd, 4 * (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, 4 * (size_t)t_page, MAP_SHARED);
	memset(alias, 0x33, 4 * (size_t)t_page);
	t_register(fd, reg, 4, UFFDIO_REGISTER_MODE_MISSING);
	/* Pages in the page cache are mapped without a message. */
	CHECK_EQ(reg[0], 0x33);
	CHECK_EQ(reg[t_page], 0x33);
	CHECK_EQ(reg[2 * t_page], 0x33);
	ev_none(fd, "reading cached pages");

	ev_madvise_ok(fd, (uintptr_t)reg, reg + t_page, 2 * (size_t)t_page,
		      MADV_REMOVE, "REMOVE +1..+3", "REMOVE +1..+3");
	/* Punched out of the page cache (mincore() reports the cache). */
	CHECK_OK(mincore(alias, 4 * (size_t)t_page, vec));
	printf("page cache after MADV_REMOVE: %d%d%d%d\n", vec[0] & 1, vec[1] & 1,
	       vec[2] & 1, vec[3] & 1);
	CHECK_EQ(vec[1] & 1, 0);
	CHECK_EQ(vec[2] & 1, 0);
	CHECK_EQ(vec[3] & 1, 1);
	CHECK_EQ(alias[3 * t_page], 0x33);

	ev_madvise_ok(fd, (uintptr_t)reg, reg, (size_t)t_page,
		      MADV_DONTNEED, "DONTNEED +0..+1", "REMOVE +0..+1");
	CHECK_EQ(reg[0], 0x33);		/* still cached: no message */
	ev_none(fd, "reading page 0 after DONTNEED");

	/* The punched page is missing again. */
	t_touch_start(&t, reg + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("read page 1: %s\n", s);
	CHECK_STR(s, "PF +1 0");
	CHECK_OK(t_copy_byte(fd, reg + t_page, 0x34, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x34);
	t_touch_join(&t);
	CHECK_EQ(alias[t_page + 1], 0x34);
	CHECK_EQ(alias[2 * t_page + 9], 0);	/* a hole reads zero */
	close(fd);
	close(mfd);
	return 0;
}
