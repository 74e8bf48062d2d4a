/* SPDX-License-Identifier: MIT */
/*
 * Record/replay plans.  With UFFD_PAGER_RECORD the workers note each page
 * the first time a thread faults on it; uffd_pager_save_plan() writes that
 * order, and cfg.replay = PATH makes the next run's prefetcher fetch the
 * pages in the same order, ahead of the application.
 *
 *	offset 0	"UFFDPLN1"
 *	8		u32 version (1), u32 page size
 *	16		u64 count
 *	24		u32 crc32c of the entries, u32 reserved (0)
 *	32		count x u64 store page index, in first-touch order
 *
 * The entries are store page numbers, so a plan stays valid wherever the
 * regions are mapped next time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pager/pager.h"

#define PLAN_MAGIC "UFFDPLN1"

struct plan_header {
	char magic[8];
	uint32_t version, page_size;
	uint64_t count;
	uint32_t crc, reserved;
};

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int plan_save(const char *path, const uint64_t *v, size_t n, size_t page_size)
{
	struct plan_header h = { .version = 1, .page_size = (uint32_t)page_size,
				 .count = n };
	int fd;

	memcpy(h.magic, PLAN_MAGIC, 8);
	h.crc = pager_crc32c(0, v, n * sizeof(*v));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return pager_fail(errno, "%s: cannot create plan: %s", path,
				  strerror(errno));
	if (write_all(fd, &h, sizeof(h)) || write_all(fd, v, n * sizeof(*v))) {
		int e = errno;

		close(fd);
		unlink(path);
		return pager_fail(e, "%s: write: %s", path, strerror(e));
	}
	return close(fd) ? pager_fail(errno, "%s: %s", path, strerror(errno)) : 0;
}

int plan_load(const char *path, uint64_t **out, size_t *n)
{
	struct plan_header h;
	uint64_t *v = NULL;
	FILE *f;

	f = fopen(path, "rbe");
	if (!f)
		return pager_fail(errno, "%s: cannot open plan: %s", path,
				  strerror(errno));
	if (fread(&h, sizeof(h), 1, f) != 1 || memcmp(h.magic, PLAN_MAGIC, 8) ||
	    h.version != 1) {
		fclose(f);
		return pager_fail(EINVAL, "%s: not a libuffd prefetch plan", path);
	}
	if (h.count > (1ULL << 36)) {
		fclose(f);
		return pager_fail(EBADMSG, "%s: corrupt plan", path);
	}
	v = malloc(h.count ? h.count * sizeof(*v) : 1);
	if (!v) {
		fclose(f);
		return pager_fail(ENOMEM, "%s: out of memory", path);
	}
	if (fread(v, sizeof(*v), h.count, f) != h.count ||
	    pager_crc32c(0, v, h.count * sizeof(*v)) != h.crc) {
		free(v);
		fclose(f);
		return pager_fail(EBADMSG, "%s: truncated or corrupt plan", path);
	}
	fclose(f);
	*out = v;
	*n = h.count;
	return 0;
}
