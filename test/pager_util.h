/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the pager tests (test/t_pager_*.c): images with known
 * contents, checking restored memory word by word, scratch directories,
 * and a pager on the engine under test (UFFD_ENGINE, via uffd_open).
 */
#ifndef UFFD_TEST_PAGER_UTIL_H
#define UFFD_TEST_PAGER_UTIL_H

#include "harness.h"
#include "uffd_pager.h"
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* Word @i of page @page of the test image: splitmix64 of both. */
static inline uint64_t tp_word(uint64_t page, uint64_t i)
{
	uint64_t z = (page << 32 | i) + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Every @zero_every-th page (0: none) of the test images is all zero. */
static inline bool tp_is_zero(uint64_t page, unsigned zero_every)
{
	return zero_every && page % zero_every == zero_every - 1;
}

static char tp_dir[64];
static pid_t tp_owner;

static void tp_cleanup(void)
{
	DIR *d;
	struct dirent *e;
	char path[512];

	if (!tp_dir[0] || getpid() != tp_owner)
		return;
	d = opendir(tp_dir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tp_dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(tp_dir);
}

/* A scratch directory, removed at exit (of the process that made it). */
static inline const char *tp_tmpdir(void)
{
	if (!tp_dir[0]) {
		snprintf(tp_dir, sizeof(tp_dir), "/tmp/uffd-pager-test.XXXXXX");
		if (!mkdtemp(tp_dir))
			t_fail(__FILE__, __LINE__, "mkdtemp: %s", t_errname(errno));
		tp_owner = getpid();
		atexit(tp_cleanup);
	}
	return tp_dir;
}

static inline const char *tp_path(const char *name)
{
	static char buf[4][256];
	static int k;
	char *p = buf[k++ % 4];

	snprintf(p, 256, "%s/%s", tp_tmpdir(), name);
	return p;
}

/* tp_path() in a buffer of its own, kept for the whole test (16 of them). */
static inline const char *tp_keep(const char *name)
{
	static char buf[16][256];
	static int k;

	CHECK(k < 16);
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tp_tmpdir(), name);
	return buf[k++];
}

/* Write an image of @npages pages of the test pattern. */
static inline void tp_make_image(const char *path, size_t npages, unsigned zero_every)
{
	size_t chunk = 256, ps = (size_t)t_page, i, j, w;
	uint64_t *buf = malloc(chunk * ps);
	struct uffd_image_writer *iw;

	CHECK(buf);
	iw = uffd_image_create(path, npages, 0, "pager test");
	CHECK_MSG(iw, "uffd_image_create: %s", uffd_pager_diagnostic());
	for (i = 0; i < npages; i += chunk) {
		size_t n = npages - i < chunk ? npages - i : chunk;

		for (j = 0; j < n; j++)
			for (w = 0; w < ps / 8; w++)
				buf[j * ps / 8 + w] = tp_is_zero(i + j, zero_every) ?
						      0 : tp_word(i + j, w);
		CHECK_MSG(uffd_image_write(iw, i, buf, n) == 0, "uffd_image_write: %s",
			  uffd_pager_diagnostic());
	}
	CHECK_MSG(uffd_image_finish(iw) == 0, "uffd_image_finish: %s",
		  uffd_pager_diagnostic());
	free(buf);
}

/* The same pages as a raw memory file: page i at i * page size. */
static inline void tp_make_raw(const char *path, size_t npages, unsigned zero_every)
{
	uint64_t *buf = malloc((size_t)t_page);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t i, w;

	CHECK(buf && fd >= 0);
	for (i = 0; i < npages; i++) {
		for (w = 0; w < (size_t)t_page / 8; w++)
			buf[w] = tp_is_zero(i, zero_every) ? 0 : tp_word(i, w);
		CHECK(write(fd, buf, (size_t)t_page) == t_page);
	}
	close(fd);
	free(buf);
}

/* Does page @page (image page @index) hold what the image says?  -1 if so,
 * else the first wrong word. */
static inline long tp_page_bad(const void *page, uint64_t index, unsigned zero_every)
{
	const uint64_t *w = page;
	size_t i;

	for (i = 0; i < (size_t)t_page / 8; i++)
		if (w[i] != (tp_is_zero(index, zero_every) ? 0 : tp_word(index, i)))
			return (long)i;
	return -1;
}

/* Check every word of @npages pages at @base (image pages from @first). */
static inline void tp_verify(const char *base, size_t npages, uint64_t first,
			     unsigned zero_every)
{
	size_t p;

	for (p = 0; p < npages; p++) {
		long bad = tp_page_bad(base + p * (size_t)t_page, first + p, zero_every);

		CHECK_MSG(bad < 0, "page %zu word %ld: %#" PRIx64 ", expected %#" PRIx64,
			  p, bad, ((const uint64_t *)(base + p * (size_t)t_page))[bad],
			  tp_is_zero(first + p, zero_every) ? 0 : tp_word(first + p, (uint64_t)bad));
	}
}

/* Skip when the engine under test cannot be opened at all. */
static inline void tp_require_engine(void)
{
	close(t_open(O_CLOEXEC));
}

/* A pager on the engine under test; fails the test on error. */
static inline struct uffd_pager *tp_pager(struct uffd_store *s,
					  const struct uffd_pager_config *cfg)
{
	struct uffd_pager *p;

	CHECK_MSG(s, "store: %s", uffd_pager_diagnostic());
	p = uffd_pager_new(s, cfg);
	CHECK_MSG(p, "uffd_pager_new: %s", uffd_pager_diagnostic());
	CHECK_MSG(!strcmp(uffd_pager_engine(p), t_engine_name) ||
		  !strcmp(t_engine_name, "auto"), "pager engine %s, expected %s",
		  uffd_pager_engine(p), t_engine_name);
	return p;
}

/* Touch every page of [base, npages) once, in the order of @order (NULL:
 * sequential), reading one word: each first touch is a fault. */
static inline uint64_t tp_touch(const char *base, size_t npages, const size_t *order)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < npages; i++)
		sum += *(volatile const uint64_t *)(base +
			(order ? order[i] : i) * (size_t)t_page);
	return sum;
}

/* A fixed pseudo-random permutation of [0, n). */
static inline size_t *tp_shuffle(size_t n, uint64_t seed)
{
	size_t *v = malloc(n * sizeof(*v)), i;

	CHECK(v);
	for (i = 0; i < n; i++)
		v[i] = i;
	for (i = n - 1; i > 0; i--) {
		size_t j;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (size_t)((seed >> 33) % (i + 1));
		size_t t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
	return v;
}

/* No core files from children that die of SIGBUS on purpose. */
static inline void tp_no_core(void)
{
	struct rlimit r = { 0, 0 };

	setrlimit(RLIMIT_CORE, &r);
}

#endif
