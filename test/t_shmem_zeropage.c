/*
 * UFFDIO_ZEROPAGE on shmem allocates a zeroed page-cache page (spec 7.5):
 * before it the page is in no cache (mincore through another mapping says
 * 0), after it the page is cached, reads zero through both mappings, is
 * mapped by the registered one (a second ZEROPAGE -> EEXIST/-17) and is
 * one shared page: a store through either mapping is seen by the other
 * (unlike the anonymous zero page).  Being in the cache, it is mapped
 * again without a message after MADV_DONTNEED drops the registered
 * mapping's PTE.  Other pages are still missing.
 */
#include "events_util.h"

int main(void)
{
	struct uffdio_zeropage z;
	struct t_toucher t;
	struct uffd_msg m;
	unsigned char vec[2];
	char *reg, *alias, s[96];
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	mfd = shm_memfd("t_shmem_zeropage", 2, 0);
	reg = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	CHECK_HEX(t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	CHECK_OK(mincore(alias, 2 * (size_t)t_page, vec));
	CHECK_EQ(vec[0] & 1, 0);
	z = (struct uffdio_zeropage){ { (uintptr_t)reg, (uint64_t)t_page }, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z));
	CHECK_EQ(z.zeropage, t_page);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EEXIST);
	CHECK_EQ(z.zeropage, -EEXIST);

	/* Dropped from the registered mapping, still in the cache. */
	CHECK_OK(madvise(reg, (size_t)t_page, MADV_DONTNEED));
	t_touch_start(&t, reg + 7, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	ev_none(fd, "reading the zeroed page after DONTNEED");

	CHECK_OK(mincore(alias, 2 * (size_t)t_page, vec));
	CHECK_EQ(vec[0] & 1, 1);
	CHECK_EQ(vec[1] & 1, 0);
	CHECK_EQ(alias[7], 0);
	reg[7] = 0x78;
	CHECK_EQ(alias[7], 0x78);
	alias[8] = 0x79;
	CHECK_EQ(reg[8], 0x79);
	ev_none(fd, "using the zeroed page");

	t_touch_start(&t, reg + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)reg, &m);
	printf("read page 1: %s\n", s);
	CHECK_STR(s, "PF +1 0");
	CHECK_OK(t_zeropage(fd, reg + t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	close(fd);
	close(mfd);
	return 0;
}
