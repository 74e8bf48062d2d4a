/* SPDX-License-Identifier: MIT */
/*
 * The store object: a name, a geometry and operations (struct
 * uffd_store_ops).  The stores shipped with libuffd are in
 * pager_store_*.c; applications may bring their own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pager/pager.h"

PAGER_API struct uffd_store *uffd_store_new(const struct uffd_store_ops *ops,
		void *priv, uint64_t npages, size_t page_size)
{
	struct uffd_store *s;

	if (!ops || !ops->read || !npages || !page_size) {
		pager_fail(EINVAL, "store: no read operation or empty");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		pager_fail(ENOMEM, "out of memory");
		return NULL;
	}
	s->ops = ops;
	s->priv = priv;
	s->npages = npages;
	s->page_size = page_size;
	return s;
}

PAGER_API uint64_t uffd_store_npages(const struct uffd_store *s)
{
	return s->npages;
}

PAGER_API size_t uffd_store_page_size(const struct uffd_store *s)
{
	return s->page_size;
}

PAGER_API const char *uffd_store_name(const struct uffd_store *s)
{
	return s->ops->name ? s->ops->name : "store";
}

PAGER_API int uffd_store_read(struct uffd_store *s, uint64_t first, size_t n,
			      void *buf, uint8_t *kind)
{
	int r;

	if (first > s->npages || n > s->npages - first)
		return pager_fail(ERANGE, "%s store: pages %llu..%llu beyond its %llu",
				  uffd_store_name(s), (unsigned long long)first,
				  (unsigned long long)(first + n),
				  (unsigned long long)s->npages);
	r = s->ops->read(s->priv, first, n, buf, kind);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

/* Pages in any order: the store's readv, or one read() per run. */
int store_readv(struct uffd_store *s, const uint64_t *idx, size_t n, void *buf,
		uint8_t *kind)
{
	size_t i = 0, j;
	int r;

	if (s->ops->readv)
		return s->ops->readv(s->priv, idx, n, buf, kind);
	while (i < n) {
		for (j = i + 1; j < n && idx[j] == idx[j - 1] + 1; j++)
			;
		r = s->ops->read(s->priv, idx[i], j - i,
				 (char *)buf + i * s->page_size, kind + i);
		if (r < 0)
			return r;
		i = j;
	}
	return 0;
}

PAGER_API void uffd_store_close(struct uffd_store *s)
{
	if (!s)
		return;
	if (s->ops->close)
		s->ops->close(s->priv);
	free(s);
}
