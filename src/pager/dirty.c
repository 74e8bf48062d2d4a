/* SPDX-License-Identifier: MIT */
/*
 * Dirty tracking with write protection -- the building block of
 * incremental snapshots (QEMU's background snapshot, E2B).
 *
 * The range is registered in WP mode and write-protected whole.  The
 * first write to a page raises a WP fault; the handler thread sets the
 * page's bit and removes the protection from that page only (which wakes
 * the writer), so each page costs one fault per epoch.  Collecting with
 * UFFD_DIRTY_RESET swaps the bitmap words to zero and protects those pages
 * again, under the same lock as the handler's set-and-unprotect: a write
 * is either in the old epoch (its bit was taken) or faults again in the
 * new one -- never lost.
 *
 * Pages never touched have no page-table entry for the kernel to mark;
 * UFFD_FEATURE_WP_UNPOPULATED covers them.  Without it, the range is
 * populated with the zero page first (MADV_POPULATE_READ), which the
 * protection then covers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include "pager/pager.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

struct uffd_dirty {
	int fd, stopfd;
	char *base;
	size_t npages, ps, nwords;
	_Atomic uint64_t *bits;
	pthread_mutex_t lock;
	pthread_t thread;
	_Atomic uint64_t faults;
};

static int protect(struct uffd_dirty *d, size_t page, size_t n, bool on)
{
	struct uffdio_writeprotect wp = {
		.range = { (uintptr_t)d->base + page * d->ps, n * d->ps },
		.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	while (uffd_ioctl(d->fd, UFFDIO_WRITEPROTECT, &wp))
		if (errno != EAGAIN)
			return -errno;
	return 0;
}

static void *dirty_main(void *arg)
{
	struct uffd_dirty *d = arg;
	struct pollfd pfd[2] = {
		{ .fd = d->fd, .events = POLLIN },
		{ .fd = d->stopfd, .events = POLLIN },
	};
	struct uffd_msg m[16];

	for (;;) {
		ssize_t n, i;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		n = read(d->fd, m, sizeof(m));
		for (i = 0; i < n / (ssize_t)sizeof(m[0]); i++) {
			uint64_t a = m[i].arg.pagefault.address;
			size_t page;

			if (m[i].event != UFFD_EVENT_PAGEFAULT ||
			    a < (uintptr_t)d->base)
				continue;
			page = (a - (uintptr_t)d->base) / d->ps;
			if (page >= d->npages)
				continue;
			atomic_fetch_add(&d->faults, 1);
			pthread_mutex_lock(&d->lock);
			atomic_fetch_or(&d->bits[page / 64], 1ULL << (page % 64));
			protect(d, page, 1, false);	/* wakes the writer */
			pthread_mutex_unlock(&d->lock);
		}
	}
	return NULL;
}

static int open_wp(enum uffd_engine_kind engine, bool *unpopulated)
{
	int attempt, fd;

	for (attempt = 0; attempt < 2; attempt++) {
		struct uffdio_api api = { .api = UFFD_API,
			.features = UFFD_FEATURE_PAGEFAULT_FLAG_WP |
				    (attempt ? 0 : UFFD_FEATURE_WP_UNPOPULATED) };

		fd = engine == UFFD_ENGINE_AUTO ? uffd_open(O_CLOEXEC | O_NONBLOCK) :
		     uffd_open_engine(O_CLOEXEC | O_NONBLOCK, engine);
		if (fd < 0)
			return pager_fail(errno, "dirty: cannot create a userfaultfd: %s",
					  uffd_diagnostic());
		if (uffd_ioctl(fd, UFFDIO_API, &api) == 0) {
			*unpopulated = !attempt;
			return fd;
		}
		close(fd);
	}
	return pager_fail(errno, "dirty: this engine has no write-protect "
			  "faults (UFFD_FEATURE_PAGEFAULT_FLAG_WP): %s",
			  strerror(errno));
}

PAGER_API struct uffd_dirty *uffd_dirty_start(void *addr, size_t len,
					      enum uffd_engine_kind engine)
{
	struct uffd_dirty *d;
	struct uffdio_register reg;
	bool unpopulated = false;
	int e;

	pager_diag_clear();
	d = calloc(1, sizeof(*d));
	if (!d) {
		pager_fail(ENOMEM, "dirty: out of memory");
		return NULL;
	}
	d->ps = (size_t)sysconf(_SC_PAGESIZE);
	d->fd = d->stopfd = -1;
	if (!len || len % d->ps || (uintptr_t)addr % d->ps) {
		pager_fail(EINVAL, "dirty: range not page-aligned");
		goto fail;
	}
	d->base = addr;
	d->npages = len / d->ps;
	d->nwords = (d->npages + 63) / 64;
	d->bits = calloc(d->nwords, sizeof(*d->bits));
	if (!d->bits) {
		pager_fail(ENOMEM, "dirty: out of memory");
		goto fail;
	}
	pthread_mutex_init(&d->lock, NULL);
	d->fd = open_wp(engine, &unpopulated);
	if (d->fd < 0)
		goto fail;
	if (!unpopulated)
		madvise(addr, len, MADV_POPULATE_READ);
	reg = (struct uffdio_register){ .range = { (uintptr_t)addr, len },
					.mode = UFFDIO_REGISTER_MODE_WP };
	if (uffd_ioctl(d->fd, UFFDIO_REGISTER, &reg)) {
		pager_fail(errno, "dirty: UFFDIO_REGISTER (WP): %s", strerror(errno));
		goto fail;
	}
	e = protect(d, 0, d->npages, true);
	if (e) {
		pager_fail(-e, "dirty: UFFDIO_WRITEPROTECT: %s", strerror(-e));
		goto fail;
	}
	d->stopfd = eventfd(0, EFD_CLOEXEC);
	if (d->stopfd < 0 || (e = pthread_create(&d->thread, NULL, dirty_main, d))) {
		pager_fail(d->stopfd < 0 ? errno : e, "dirty: cannot start its thread");
		goto fail;
	}
	return d;
fail:
	e = errno;
	if (d->fd >= 0)
		close(d->fd);
	if (d->stopfd >= 0)
		close(d->stopfd);
	free(d->bits);
	free(d);
	errno = e;
	return NULL;
}

PAGER_API ssize_t uffd_dirty_collect(struct uffd_dirty *d, uint64_t *bitmap,
				     unsigned flags)
{
	bool reset = flags & UFFD_DIRTY_RESET;
	ssize_t count = 0;
	size_t w;
	int err = 0;

	pthread_mutex_lock(&d->lock);
	for (w = 0; w < d->nwords; w++) {
		uint64_t v = reset ? atomic_exchange(&d->bits[w], 0) :
				     atomic_load(&d->bits[w]);

		if (bitmap)
			bitmap[w] = v;
		count += __builtin_popcountll(v);
		/* Protect again, a run of dirty pages at a time. */
		while (reset && v && !err) {
			unsigned b = (unsigned)__builtin_ctzll(v), e = b;

			while (e < 64 && (v >> e) & 1)
				e++;
			err = protect(d, w * 64 + b, e - b, true);
			v = e < 64 ? v & ~((1ULL << e) - 1) : 0;
		}
	}
	pthread_mutex_unlock(&d->lock);
	if (err)
		return pager_fail(-err, "dirty: UFFDIO_WRITEPROTECT: %s",
				  strerror(-err));
	return count;
}

PAGER_API uint64_t uffd_dirty_faults(const struct uffd_dirty *d)
{
	return atomic_load(&d->faults);
}

PAGER_API const char *uffd_dirty_engine(const struct uffd_dirty *d)
{
	return uffd_engine(d->fd);
}

PAGER_API void uffd_dirty_stop(struct uffd_dirty *d)
{
	struct uffdio_range r;
	uint64_t one = 1;

	if (!d)
		return;
	if (write(d->stopfd, &one, sizeof(one)) == sizeof(one))
		pthread_join(d->thread, NULL);
	protect(d, 0, d->npages, false);
	r = (struct uffdio_range){ (uintptr_t)d->base, d->npages * d->ps };
	uffd_ioctl(d->fd, UFFDIO_UNREGISTER, &r);
	close(d->fd);
	close(d->stopfd);
	pthread_mutex_destroy(&d->lock);
	free(d->bits);
	free(d);
}
