/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the hugetlb tests (t_hugetlb_*), on 2 MiB pages; the pool
 * comes from hp_setup() (events_util.h).  Header-only, static.
 *
 *   hp_start()     t_init, the features required, the pool, a uffd
 *   hp_map_anon()  a private MAP_ANONYMOUS|MAP_HUGETLB mapping
 *   hp_memfd()     a hugetlb memfd of n huge pages; hp_map() maps one;
 *                  hp_shared_pair() maps a new one shared, twice
 *   hp_register()  UFFDIO_REGISTER of huge pages, returns the ioctls;
 *                  hp_anon_registered() maps and registers
 *   hp_expect_fault(), hp_touch_end()
 *                  the message a toucher's fault queued, its completion
 *   hp_copy(), hp_poison(), hp_wp(), hp_zeropage()
 *                  the ioctls on huge pages: the ioctl's result, the
 *                  count (or -errno) the kernel wrote left in *res
 */
#ifndef UFFD_TEST_HUGETLB_UTIL_H
#define UFFD_TEST_HUGETLB_UTIL_H

#include "events_util.h"

/* What the tests of write protection on hugetlb need. */
#define HP_WP_FEATURES (UFFD_FEATURE_MISSING_HUGETLBFS | \
			UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_HUGETLBFS_SHMEM)

/*
 * Start a hugetlb test: set up a pool of @pool free huge pages, skip unless
 * the engine has @require, and open a non-blocking uffd with @features.
 * The pool comes first: hp_setup() forks, and a fork after the emulated
 * engine started its thread may leave the child a lock that thread held
 * (ASan's allocator lock did: the child hung).
 */
static inline int hp_start(uint64_t require, int pool, uint64_t features)
{
	t_init(60);
	hp_setup(pool, 60);
	t_require(require);
	return t_open_api(O_CLOEXEC | O_NONBLOCK, features);
}

static inline char *hp_map_anon(size_t n)
{
	char *p = mmap(NULL, n * HP_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	CHECK_MSG(p != MAP_FAILED, "mmap(MAP_HUGETLB): %s", t_errname(errno));
	return p;
}

static inline int hp_memfd(const char *name, size_t n)
{
	int mfd = memfd_create(name, MFD_CLOEXEC | MFD_HUGETLB);

	CHECK_MSG(mfd >= 0, "memfd_create(MFD_HUGETLB): %s", t_errname(errno));
	CHECK_OK(ftruncate(mfd, (off_t)(n * HP_SIZE)));
	return mfd;
}

/* @n huge pages of @mfd from huge page @first, MAP_SHARED or MAP_PRIVATE. */
static inline char *hp_map(int mfd, size_t n, int flags, int prot, size_t first)
{
	char *p = mmap(NULL, n * HP_SIZE, prot, flags, mfd, (off_t)(first * HP_SIZE));

	CHECK_MSG(p != MAP_FAILED, "mmap(hugetlb memfd): %s", t_errname(errno));
	return p;
}

static inline uint64_t hp_register(int fd, void *p, size_t n, uint64_t mode)
{
	return t_register(fd, p, n * HP_SIZE / (size_t)t_page, mode);
}

/* @n private anonymous huge pages registered with @mode, giving @ioctls. */
static inline char *hp_anon_registered(int fd, size_t n, uint64_t mode, uint64_t ioctls)
{
	char *p = hp_map_anon(n);

	CHECK_HEX(hp_register(fd, p, n, mode), ioctls);
	return p;
}

/* A new hugetlb memfd of @n pages mapped shared twice: one, *@alias. */
static inline char *hp_shared_pair(const char *name, size_t n, char **alias)
{
	int mfd = hp_memfd(name, n);
	char *p = hp_map(mfd, n, MAP_SHARED, PROT_READ | PROT_WRITE, 0);

	*alias = hp_map(mfd, n, MAP_SHARED, PROT_READ | PROT_WRITE, 0);
	close(mfd);
	return p;
}

static inline int hp_copy(int fd, void *dst, const void *src, size_t len,
			  uint64_t mode, int64_t *res)
{
	struct uffdio_copy c = { (uintptr_t)dst, (uintptr_t)src, len, mode, 0x7777 };
	int r = uffd_ioctl(fd, UFFDIO_COPY, &c);

	*res = c.copy;
	return r;
}

static inline int hp_poison(int fd, void *dst, size_t len, int64_t *res)
{
	struct uffdio_poison p = { { (uintptr_t)dst, len }, 0, 0x7777 };
	int r = uffd_ioctl(fd, UFFDIO_POISON, &p);

	*res = p.updated;
	return r;
}

static inline int hp_zeropage(int fd, void *dst, size_t len, int64_t *res)
{
	struct uffdio_zeropage z = { { (uintptr_t)dst, len }, 0, 0x7777 };
	int r = uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z);

	*res = z.zeropage;
	return r;
}

static inline int hp_wp(int fd, void *p, size_t len, bool on)
{
	struct uffdio_writeprotect w = { { (uintptr_t)p, len },
					 on ? UFFDIO_WRITEPROTECT_MODE_WP : 0 };

	return uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &w);
}

/* An anonymous 4 KiB-page buffer of one huge page filled with @byte. */
static inline char *hp_source(int byte)
{
	char *s = mmap(NULL, HP_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(s != MAP_FAILED);
	memset(s, byte, HP_SIZE);
	return s;
}

/* The toucher's access completes (a bounded wait) and saw @byte. */
static inline void hp_touch_end(struct t_toucher *t, char byte)
{
	CHECK(t_touch_wait(t, 5000));
	CHECK_EQ(t->seen, byte);
	t_touch_join(t);
}

/* Read one pagefault message; check its flags and its address. */
static inline void hp_expect_fault(int fd, uint64_t flags, const void *addr)
{
	struct uffd_msg m;

	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, flags);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)addr);
}

#endif
