/* SPDX-License-Identifier: MIT */
/*
 * A store for fault injection (test/t_pager_faults.c, t_handle_*.c): it
 * serves a test image (pager_util.h) through uffd_store_new() and fails
 * on purpose --
 *
 *	bad/err		any read that includes page @bad fails with @err
 *			(EBADMSG: a corrupt page; EIO: a read error)
 *	stall_ms	... after sleeping that long (a hung server whose
 *			socket timeout ends the read)
 *	reads_left	after that many reads, every read fails with
 *			ECONNRESET (a server that died); -1: never
 *	down		while set, every read fails with ECONNRESET
 */
#ifndef UFFD_TEST_PAGER_FAULTY_H
#define UFFD_TEST_PAGER_FAULTY_H

#include "pager_util.h"
#include <stdatomic.h>

struct tf_store {
	struct uffd_store *inner;
	uint64_t bad;
	int err;
	unsigned stall_ms;
	_Atomic long reads_left;
	_Atomic bool down;
	_Atomic long reads, failures;
};

static int tf_read(void *priv, uint64_t first, size_t n, void *buf, uint8_t *kind)
{
	struct tf_store *f = priv;

	atomic_fetch_add(&f->reads, 1);
	if (atomic_load(&f->reads_left) >= 0 &&
	    atomic_fetch_sub(&f->reads_left, 1) <= 0)
		atomic_store(&f->down, true);
	if (atomic_load(&f->down)) {
		atomic_fetch_add(&f->failures, 1);
		uffd_pager_diagnose("test store: injected disconnect");
		return -ECONNRESET;
	}
	if (f->bad >= first && f->bad - first < n) {
		atomic_fetch_add(&f->failures, 1);
		if (f->stall_ms)
			t_msleep((int)f->stall_ms);
		uffd_pager_diagnose("test store: page %llu: injected %s",
				    (unsigned long long)f->bad, t_errname(f->err));
		return -f->err;
	}
	return uffd_store_read(f->inner, first, n, buf, kind) ? -errno : 0;
}

static void tf_close(void *priv)
{
	struct tf_store *f = priv;

	uffd_store_close(f->inner);
	free(f);
}

static const struct uffd_store_ops tf_ops = {
	.name = "faulty", .read = tf_read, .close = tf_close,
};

/* A faulty store over image @img (no fault until the fields are set);
 * *out gets its controls (valid until the store is closed). */
static inline struct uffd_store *tf_open(const char *img, struct tf_store **out)
{
	struct tf_store *f = calloc(1, sizeof(*f));
	struct uffd_store *s;

	CHECK(f);
	f->inner = uffd_store_file_open(img, 0);
	CHECK_MSG(f->inner, "store: %s", uffd_pager_diagnostic());
	f->bad = UINT64_MAX;
	atomic_store(&f->reads_left, -1);
	s = uffd_store_new(&tf_ops, f, uffd_store_npages(f->inner),
			   uffd_store_page_size(f->inner));
	CHECK(s);
	*out = f;
	return s;
}

#endif
