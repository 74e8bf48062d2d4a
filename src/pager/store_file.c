/* SPDX-License-Identifier: MIT */
/*
 * Store: an image file on a local file system.
 *
 * Default: pread() the requested pages into the caller's buffer, which the
 * pager then copies in with UFFDIO_COPY.  With UFFD_STORE_MMAP the data
 * area is mapped instead and the pager copies straight from the mapping
 * (the `direct` operation): one copy less, the page cache is the buffer.
 * Every data page is checked against its crc32c unless UFFD_STORE_NOVERIFY.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "pager/pager.h"

struct file_store {
	struct img im;
	unsigned flags;
	char *map;		/* UFFD_STORE_MMAP: the data area */
	size_t map_len;
};

static void kinds(const struct file_store *f, uint64_t first, size_t n,
		  uint8_t *kind)
{
	size_t i;

	for (i = 0; i < n; i++)
		kind[i] = f->im.table[first + i].flags & IMG_F_ZERO ?
			  UFFD_PAGE_ZERO : UFFD_PAGE_DATA;
}

static int check(const struct file_store *f, uint64_t first, size_t n,
		 const char *data)
{
	size_t ps = f->im.h.page_size, i;
	int r;

	if (f->flags & UFFD_STORE_NOVERIFY)
		return 0;
	for (i = 0; i < n; i++) {
		r = img_check(f->im.path, first + i, &f->im.table[first + i],
			      data + i * ps, ps);
		if (r)
			return r;
	}
	return 0;
}

/* pread() each run of data pages; zero pages are not read at all. */
static int file_read(void *priv, uint64_t first, size_t n, void *buf,
		     uint8_t *kind)
{
	struct file_store *f = priv;
	size_t ps = f->im.h.page_size, i = 0, j;
	char *b = buf;

	kinds(f, first, n, kind);
	if (f->map) {
		memcpy(buf, f->map + first * ps, n * ps);
		return check(f, first, n, buf);
	}
	while (i < n) {
		if (kind[i] == UFFD_PAGE_ZERO) {
			i++;
			continue;
		}
		for (j = i + 1; j < n && kind[j] == UFFD_PAGE_DATA; j++)
			;
		{
			size_t len = (j - i) * ps, done = 0;
			uint64_t off = img_data_off(&f->im, first + i);

			while (done < len) {
				ssize_t r = pread(f->im.fd, b + i * ps + done,
						  len - done, (off_t)(off + done));

				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0) {
					int e = r < 0 ? errno : EIO;

					uffd_pager_diagnose("%s: read page %llu: %s",
							    f->im.path,
							    (unsigned long long)(first + i),
							    r < 0 ? strerror(e) :
							    "unexpected end of file");
					return -e;
				}
				done += (size_t)r;
			}
		}
		i = j;
	}
	return check(f, first, n, buf);
}

static int file_direct(void *priv, uint64_t first, size_t n, const void **data,
		       uint8_t *kind)
{
	struct file_store *f = priv;
	const char *p = f->map + first * f->im.h.page_size;

	kinds(f, first, n, kind);
	*data = p;
	return check(f, first, n, p);
}

static void file_close(void *priv)
{
	struct file_store *f = priv;

	if (f->map)
		munmap(f->map, f->map_len);
	img_close(&f->im);
	free(f);
}

static const struct uffd_store_ops file_ops = {
	.name = "file", .read = file_read, .close = file_close,
};
static const struct uffd_store_ops file_mmap_ops = {
	.name = "file-mmap", .read = file_read, .direct = file_direct,
	.close = file_close,
};

PAGER_API struct uffd_store *uffd_store_file_open(const char *path, unsigned flags)
{
	struct file_store *f;
	struct uffd_store *s;

	pager_diag_clear();
	f = calloc(1, sizeof(*f));
	if (!f) {
		pager_fail(ENOMEM, "out of memory");
		return NULL;
	}
	if (img_open(&f->im, path)) {
		free(f);
		return NULL;
	}
	f->flags = flags;
	if (f->im.h.page_size != (uint32_t)sysconf(_SC_PAGESIZE)) {
		pager_fail(EINVAL, "%s: pages of %u bytes, this host's are %ld",
			   path, f->im.h.page_size, sysconf(_SC_PAGESIZE));
		file_close(f);
		return NULL;
	}
	if (flags & UFFD_STORE_MMAP) {
		f->map_len = f->im.h.npages * f->im.h.page_size;
		f->map = mmap(NULL, f->map_len, PROT_READ, MAP_SHARED, f->im.fd,
			      (off_t)f->im.h.data_offset);
		if (f->map == MAP_FAILED) {
			f->map = NULL;
			pager_fail(errno, "%s: cannot map: %s", path, strerror(errno));
			file_close(f);
			return NULL;
		}
	}
	s = uffd_store_new(flags & UFFD_STORE_MMAP ? &file_mmap_ops : &file_ops,
			   f, f->im.h.npages, f->im.h.page_size);
	if (!s)
		file_close(f);
	return s;
}
