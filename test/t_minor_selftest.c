/*
 * The kernel selftests' "minor" scenario on shmem (spec 13.2, 7.6, 9.1):
 * a memfd mapping registered MINOR (ioctls 0x1bc), its page cache filled
 * through a second, unregistered mapping; a reader goes through every
 * page of the registered mapping.  Each page gives exactly one MINOR
 * fault (flags 0x4, page-aligned address); the handler flips the page's
 * bytes through the other mapping and UFFDIO_CONTINUEs (mapped == 4096);
 * a second CONTINUE of the page fails with EEXIST and -17.  The reader
 * sees the flipped contents; no MISSING fault.
 */
#include "events_util.h"

#define NPAGES 8

struct reader {
	char *reg;
	volatile int done, bad;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	long i, nr;

	for (nr = 0; nr < NPAGES; nr++)
		for (i = 0; i < t_page; i += 64)
			if (((volatile char *)r->reg)[nr * t_page + i] !=
			    (char)~(0x10 + nr))
				r->bad++;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int main(void)
{
	struct reader r = { 0 };
	struct uffd_msg m;
	pthread_t th;
	int64_t mapped;
	int count[NPAGES] = { 0 }, minor = 0, missing = 0, fd, mfd, i, nr;
	char *reg, *alias;

	t_init(60);
	t_require(UFFD_FEATURE_MINOR_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_MINOR_SHMEM);
	mfd = shm_memfd("t_minor_selftest", NPAGES, 0);
	reg = shm_map(mfd, NPAGES * (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, NPAGES * (size_t)t_page, MAP_SHARED);
	for (nr = 0; nr < NPAGES; nr++)
		memset(alias + nr * t_page, 0x10 + nr, (size_t)t_page);
	CHECK_HEX(t_register(fd, reg, NPAGES, UFFDIO_REGISTER_MODE_MINOR), 0x1bc);

	r.reg = reg;
	CHECK(!pthread_create(&th, NULL, reader_main, &r));
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE)) {
		if (!(t_poll(fd, POLLIN, 10) & POLLIN))
			continue;
		CHECK(t_read_msg(fd, &m, 0));
		CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
		if (!(m.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_MINOR)) {
			missing++;
			continue;
		}
		CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_MINOR);
		nr = (int)((m.arg.pagefault.address - (uintptr_t)reg) / (uint64_t)t_page);
		CHECK(nr >= 0 && nr < NPAGES);
		CHECK_HEX(m.arg.pagefault.address, (uintptr_t)reg + nr * (uintptr_t)t_page);
		count[nr]++;
		minor++;
		for (i = 0; i < t_page; i++)
			alias[nr * t_page + i] = (char)~alias[nr * t_page + i];
		CHECK_OK(t_continue(fd, reg + nr * t_page, (size_t)t_page, 0, &mapped));
		CHECK_EQ(mapped, t_page);
		CHECK_ERR(t_continue(fd, reg + nr * t_page, (size_t)t_page, 0, &mapped),
			  EEXIST);
		CHECK_EQ(mapped, -EEXIST);
	}
	pthread_join(th, NULL);
	printf("minor %d missing %d bad %d\n", minor, missing, r.bad);
	CHECK_EQ(missing, 0);
	CHECK_EQ(minor, NPAGES);
	for (nr = 0; nr < NPAGES; nr++)
		CHECK_EQ(count[nr], 1);
	CHECK_EQ(r.bad, 0);
	CHECK_EQ(alias[3 * t_page + 1], (char)~0x13);
	ev_none(fd, "end");
	close(fd);
	close(mfd);
	return 0;
}
