/* SPDX-License-Identifier: MIT */
/*
 * Store: a raw memory file -- plain bytes, page i at offset i * page_size,
 * no header, no checksums: what Firecracker writes as a snapshot's memory
 * file, or a dump of any memory.  pread() by default; UFFD_STORE_MMAP
 * maps the file and the pager copies straight from the mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "pager/pager.h"

struct raw_store {
	int fd;
	size_t ps;
	char *map;
	size_t len;
	char *path;
};

static int raw_read(void *priv, uint64_t first, size_t n, void *buf,
		    uint8_t *kind)
{
	struct raw_store *f = priv;
	size_t len = n * f->ps, done = 0;
	uint64_t off = first * f->ps;

	memset(kind, UFFD_PAGE_DATA, n);
	if (f->map) {
		memcpy(buf, f->map + off, len);
		return 0;
	}
	while (done < len) {
		ssize_t r = pread(f->fd, (char *)buf + done, len - done,
				  (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;

			uffd_pager_diagnose("%s: read page %llu: %s", f->path,
					    (unsigned long long)((off + done) / f->ps),
					    r < 0 ? strerror(e) : "unexpected end of file");
			return -e;
		}
		done += (size_t)r;
	}
	return 0;
}

static int raw_direct(void *priv, uint64_t first, size_t n, const void **data,
		      uint8_t *kind)
{
	struct raw_store *f = priv;

	memset(kind, UFFD_PAGE_DATA, n);
	*data = f->map + first * f->ps;
	return 0;
}

static void raw_close(void *priv)
{
	struct raw_store *f = priv;

	if (f->map)
		munmap(f->map, f->len);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

static const struct uffd_store_ops raw_ops = {
	.name = "raw", .read = raw_read, .close = raw_close,
};
static const struct uffd_store_ops raw_mmap_ops = {
	.name = "raw-mmap", .read = raw_read, .direct = raw_direct,
	.close = raw_close,
};

PAGER_API struct uffd_store *uffd_store_raw_open(const char *path, unsigned flags)
{
	struct raw_store *f;
	struct uffd_store *s;
	struct stat st;

	pager_diag_clear();
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		pager_fail(ENOMEM, "out of memory");
		return NULL;
	}
	f->ps = (size_t)sysconf(_SC_PAGESIZE);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fstat(f->fd, &st)) {
		pager_fail(errno, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	f->len = (size_t)st.st_size;
	if (!f->len || f->len % f->ps) {
		pager_fail(EINVAL, "%s: %zu bytes: not a whole number of %zu-byte "
			   "pages", path, f->len, f->ps);
		goto fail;
	}
	if (flags & UFFD_STORE_MMAP) {
		f->map = mmap(NULL, f->len, PROT_READ, MAP_SHARED, f->fd, 0);
		if (f->map == MAP_FAILED) {
			f->map = NULL;
			pager_fail(errno, "%s: cannot map: %s", path, strerror(errno));
			goto fail;
		}
	}
	s = uffd_store_new(f->map ? &raw_mmap_ops : &raw_ops, f, f->len / f->ps, f->ps);
	if (s)
		return s;
fail:
	raw_close(f);
	return NULL;
}
