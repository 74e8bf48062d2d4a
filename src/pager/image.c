/* SPDX-License-Identifier: MIT */
/*
 * The image format (docs/pager.md has the full description):
 *
 *	offset 0		header (128 bytes, in a page of its own)
 *	page_size		page table: npages x { crc32c, flags }
 *	data_offset		page i's contents at data_offset + i * page_size
 *
 * A zero page has IMG_F_ZERO and no data: the file has a hole there, so an
 * image of mostly empty memory is small on disk.  Each data page's crc32c
 * covers its index and contents (pager_page_crc).  The writer fills a
 * temporary file and renames it into place after writing the header last,
 * so an image is either complete or absent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "pager/pager.h"

struct uffd_image_writer {
	int fd;
	char *path, *tmp;
	struct img_header h;
	struct img_entry *table;
	int err;			/* first write error */
};

static size_t host_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static bool page_is_zero(const void *page, size_t size)
{
	const uint64_t *w = page;
	size_t i;

	for (i = 0; i < size / 8; i += 8)
		if (w[i] | w[i + 1] | w[i + 2] | w[i + 3] |
		    w[i + 4] | w[i + 5] | w[i + 6] | w[i + 7])
			return false;
	return true;
}

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENODATA;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static uint32_t header_crc(const struct img_header *h)
{
	struct img_header c = *h;

	c.header_crc = 0;
	return pager_crc32c(0, &c, sizeof(c));
}

PAGER_API struct uffd_image_writer *uffd_image_create(const char *path,
		uint64_t npages, uint64_t base, const char *label)
{
	struct uffd_image_writer *w;
	size_t ps = host_page();
	uint64_t i;

	pager_diag_clear();
	if (!path || !npages || npages > (1ULL << 40)) {
		pager_fail(EINVAL, "image: bad path or page count");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w || asprintf(&w->tmp, "%s.tmp.%d", path, (int)getpid()) < 0) {
		free(w);
		pager_fail(ENOMEM, "image: out of memory");
		return NULL;
	}
	w->path = strdup(path);
	w->table = calloc(npages, sizeof(*w->table));
	if (!w->path || !w->table) {
		pager_fail(ENOMEM, "image: out of memory for %llu pages",
			   (unsigned long long)npages);
		goto fail;
	}
	for (i = 0; i < npages; i++)
		w->table[i].flags = IMG_F_ZERO;
	memcpy(w->h.magic, IMG_MAGIC, 8);
	w->h.version = IMG_VERSION;
	w->h.page_size = (uint32_t)ps;
	w->h.npages = npages;
	w->h.table_offset = ps;
	w->h.data_offset = ps + round_up(npages * sizeof(struct img_entry), ps);
	w->h.base = base;
	if (label)
		snprintf(w->h.label, sizeof(w->h.label), "%s", label);
	w->fd = open(w->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		pager_fail(errno, "%s: cannot create: %s", path, strerror(errno));
		goto fail;
	}
	/* The data area is a hole until written: zero pages cost nothing. */
	if (ftruncate(w->fd, (off_t)(w->h.data_offset + npages * ps))) {
		pager_fail(errno, "%s: cannot size to %llu bytes: %s", path,
			   (unsigned long long)(w->h.data_offset + npages * ps),
			   strerror(errno));
		close(w->fd);
		unlink(w->tmp);
		goto fail;
	}
	return w;
fail:
	free(w->table);
	free(w->path);
	free(w->tmp);
	free(w);
	return NULL;
}

PAGER_API int uffd_image_write(struct uffd_image_writer *w, uint64_t first,
			       const void *pages, size_t n)
{
	const char *p = pages;
	size_t ps = w->h.page_size, i = 0;
	int err;

	if (first > w->h.npages || n > w->h.npages - first)
		return pager_fail(ERANGE, "image: pages %llu..%llu beyond %llu",
				  (unsigned long long)first,
				  (unsigned long long)(first + n),
				  (unsigned long long)w->h.npages);
	while (i < n) {
		size_t j;

		if (page_is_zero(p + i * ps, ps)) {
			w->table[first + i] = (struct img_entry){ 0, IMG_F_ZERO };
			i++;
			continue;
		}
		/* A run of data pages goes out in one write. */
		for (j = i; j < n && (j == i || !page_is_zero(p + j * ps, ps)); j++)
			w->table[first + j] = (struct img_entry){
				pager_page_crc(first + j, p + j * ps, ps), 0 };
		err = pwrite_all(w->fd, p + i * ps, (j - i) * ps,
				 w->h.data_offset + (first + i) * ps);
		if (err) {
			w->err = -err;
			return pager_fail(-err, "%s: write: %s", w->path,
					  strerror(-err));
		}
		i = j;
	}
	return 0;
}

PAGER_API void uffd_image_abort(struct uffd_image_writer *w)
{
	if (!w)
		return;
	close(w->fd);
	unlink(w->tmp);
	free(w->table);
	free(w->path);
	free(w->tmp);
	free(w);
}

PAGER_API int uffd_image_finish(struct uffd_image_writer *w)
{
	size_t tlen = w->h.npages * sizeof(struct img_entry);
	uint64_t i;
	int err = 0, e;

	if (w->err) {
		e = w->err;
		uffd_image_abort(w);
		errno = e;
		return -1;
	}
	for (i = 0; i < w->h.npages; i++) {
		if (w->table[i].flags & IMG_F_ZERO)
			w->h.zero_pages++;
		else
			w->h.data_pages++;
	}
	w->h.table_crc = pager_crc32c(0, w->table, tlen);
	w->h.header_crc = header_crc(&w->h);
	err = pwrite_all(w->fd, w->table, tlen, w->h.table_offset);
	if (!err)
		err = pwrite_all(w->fd, &w->h, sizeof(w->h), 0);
	if (!err && rename(w->tmp, w->path))
		err = -errno;
	if (err) {
		pager_fail(-err, "%s: %s", w->path, strerror(-err));
		uffd_image_abort(w);
		errno = -err;
		return -1;
	}
	close(w->fd);
	free(w->table);
	free(w->path);
	free(w->tmp);
	free(w);
	return 0;
}

PAGER_API int uffd_image_save(const char *path, const void *addr, size_t len,
			      const char *label)
{
	size_t ps = host_page();
	struct uffd_image_writer *w;

	if (len % ps)
		return pager_fail(EINVAL, "image: length not a multiple of the page size");
	w = uffd_image_create(path, len / ps, (uintptr_t)addr, label);
	if (!w)
		return -1;
	if (uffd_image_write(w, 0, addr, len / ps)) {
		int e = errno;

		uffd_image_abort(w);
		errno = e;
		return -1;
	}
	return uffd_image_finish(w);
}

/* ---- reading ---- */

int img_open(struct img *im, const char *path)
{
	struct stat st;
	uint64_t need;
	size_t tlen, maplen;
	void *m;
	int err;

	memset(im, 0, sizeof(*im));
	im->fd = -1;
	im->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0)
		return pager_fail(errno, "%s: cannot open image: %s", path,
				  strerror(errno));
	err = pread_all(im->fd, &im->h, sizeof(im->h), 0);
	if (err == -ENODATA || (!err && memcmp(im->h.magic, IMG_MAGIC, 8))) {
		pager_fail(EINVAL, "%s: not a libuffd memory image", path);
		goto fail;
	}
	if (err) {
		pager_fail(-err, "%s: read: %s", path, strerror(-err));
		goto fail;
	}
	if (im->h.version != IMG_VERSION) {
		pager_fail(EINVAL, "%s: image version %u, this libuffd reads %u",
			   path, im->h.version, IMG_VERSION);
		goto fail;
	}
	if (header_crc(&im->h) != im->h.header_crc) {
		pager_fail(EBADMSG, "%s: corrupt image header (checksum mismatch)",
			   path);
		goto fail;
	}
	if (!im->h.page_size || im->h.page_size % 4096 ||
	    im->h.table_offset % host_page() || !im->h.npages ||
	    im->h.npages > (1ULL << 40)) {
		pager_fail(EBADMSG, "%s: corrupt image header (bad geometry)", path);
		goto fail;
	}
	need = im->h.data_offset + im->h.npages * im->h.page_size;
	if (fstat(im->fd, &st) || (uint64_t)st.st_size < need) {
		pager_fail(EBADMSG, "%s: truncated image: %lld bytes, expected %llu",
			   path, (long long)st.st_size, (unsigned long long)need);
		goto fail;
	}
	tlen = im->h.npages * sizeof(struct img_entry);
	maplen = (size_t)round_up(tlen, host_page());
	m = mmap(NULL, maplen, PROT_READ, MAP_PRIVATE, im->fd,
		 (off_t)im->h.table_offset);
	if (m == MAP_FAILED) {
		pager_fail(errno, "%s: cannot map the page table: %s", path,
			   strerror(errno));
		goto fail;
	}
	im->table = m;
	im->table_map_len = maplen;
	if (pager_crc32c(0, im->table, tlen) != im->h.table_crc) {
		pager_fail(EBADMSG, "%s: corrupt page table (checksum mismatch)", path);
		goto fail;
	}
	im->path = strdup(path);
	if (!im->path) {
		pager_fail(ENOMEM, "out of memory");
		goto fail;
	}
	return 0;
fail:
	err = errno;
	img_close(im);
	errno = err;
	return -1;
}

void img_close(struct img *im)
{
	if (im->table)
		munmap(im->table, im->table_map_len);
	if (im->fd >= 0)
		close(im->fd);
	free((void *)im->path);
	memset(im, 0, sizeof(*im));
	im->fd = -1;
}

int img_check(const char *what, uint64_t i, const struct img_entry *e,
	      const void *data, size_t page_size)
{
	uint32_t crc;

	if (e->flags & IMG_F_ZERO)
		return 0;
	crc = pager_page_crc(i, data, page_size);
	if (crc == e->crc)
		return 0;
	uffd_pager_diagnose("%s: page %llu: checksum mismatch (stored %08x, "
			    "computed %08x): corrupt page", what,
			    (unsigned long long)i, e->crc, crc);
	return -EBADMSG;
}

PAGER_API int uffd_image_info(const char *path, struct uffd_image_info *info)
{
	struct img im;

	pager_diag_clear();
	if (img_open(&im, path))
		return -1;
	memset(info, 0, sizeof(*info));
	info->npages = im.h.npages;
	info->page_size = im.h.page_size;
	info->data_pages = im.h.data_pages;
	info->zero_pages = im.h.zero_pages;
	info->base = im.h.base;
	memcpy(info->label, im.h.label, sizeof(im.h.label));
	info->label[sizeof(im.h.label) - 1] = '\0';
	img_close(&im);
	return 0;
}

PAGER_API int uffd_image_verify(const char *path, uint64_t *bad_page,
		void (*progress)(uint64_t done, uint64_t total, void *arg),
		void *arg)
{
	enum { CHUNK = 256 };
	struct img im;
	char *buf;
	uint64_t i;
	int err = 0;

	pager_diag_clear();
	if (img_open(&im, path))
		return -1;
	buf = malloc((size_t)CHUNK * im.h.page_size);
	if (!buf) {
		img_close(&im);
		return pager_fail(ENOMEM, "out of memory");
	}
	for (i = 0; i < im.h.npages && !err; i += CHUNK) {
		uint64_t n = im.h.npages - i < CHUNK ? im.h.npages - i : CHUNK, j;

		err = pread_all(im.fd, buf, n * im.h.page_size, img_data_off(&im, i));
		if (err) {
			pager_fail(-err, "%s: read: %s", path, strerror(-err));
			break;
		}
		for (j = 0; j < n && !err; j++) {
			err = img_check(path, i + j, &im.table[i + j],
					buf + j * im.h.page_size, im.h.page_size);
			if (err && bad_page)
				*bad_page = i + j;
		}
		if (progress)
			progress(i + n, im.h.npages, arg);
	}
	free(buf);
	img_close(&im);
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}
