/* SPDX-License-Identifier: MIT */
/*
 * libuffd pager - what people build on userfaultfd, written once:
 *
 *	images	 a memory image on disk: header, per-page checksums and
 *		 zero-page flags, page contents (docs/pager.md)
 *	stores	 where a pager takes pages from: an image file, a page
 *		 server over TCP or a UNIX socket, Redis, or your own
 *	pager	 owns userfaultfds and registered regions and serves their
 *		 missing pages from a store with a pool of worker threads;
 *		 prefetches in the background; records the order pages were
 *		 first touched and replays it as a prefetch plan next time;
 *		 keeps metrics
 *	server	 `uffd serve`: serves an image to pagers over the network
 *	dirty	 write-protect based dirty tracking (incremental snapshots)
 *
 * Everything works on both engines (kernel and emulated) because it uses
 * only the public uAPI of <uffd.h>.  Functions return -1 (or NULL) with
 * errno set on failure; uffd_pager_diagnostic() then says what failed in
 * words, e.g. "image.img: page 1234: checksum mismatch".
 */
#ifndef LIBUFFD_UFFD_PAGER_H
#define LIBUFFD_UFFD_PAGER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "uffd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why the last failed pager, store, image or server call of this thread
 * failed, as one line of text; empty after a success. */
const char *uffd_pager_diagnostic(void);

/* ---------------------------------------------------------------------- */
/* Images                                                                  */
/* ---------------------------------------------------------------------- */

struct uffd_image_info {
	uint64_t npages;	/* pages in the image */
	uint32_t page_size;	/* bytes per page (the host's page size) */
	uint64_t data_pages;	/* pages stored with contents */
	uint64_t zero_pages;	/* pages recorded as all-zero (no data) */
	uint64_t base;		/* address the memory was saved from, or 0 */
	char label[64];		/* free text given when it was made */
};

struct uffd_image_writer;

/*
 * Start an image of @npages pages at @path (replaced if it exists).  Pages
 * never written are zero pages.  @base and @label are stored as given.
 */
struct uffd_image_writer *uffd_image_create(const char *path, uint64_t npages,
					    uint64_t base, const char *label);
/* Pages [first, first + n) from @pages; all-zero pages are stored as such. */
int uffd_image_write(struct uffd_image_writer *w, uint64_t first,
		     const void *pages, size_t n);
/* Write the page table and the header, close, free.  On failure the file
 * is removed.  The header goes last: a half-written image never opens. */
int uffd_image_finish(struct uffd_image_writer *w);
/* Give up: close, remove the file, free. */
void uffd_image_abort(struct uffd_image_writer *w);
/* The whole of [addr, addr + len) as an image. */
int uffd_image_save(const char *path, const void *addr, size_t len,
		    const char *label);
/* Header of an image (checks magic, version, header and table checksums). */
int uffd_image_info(const char *path, struct uffd_image_info *info);
/* Check every page's checksum; -1 EBADMSG and *bad_page at the first bad
 * one.  @progress (may be NULL) is called now and then with pages done. */
int uffd_image_verify(const char *path, uint64_t *bad_page,
		      void (*progress)(uint64_t done, uint64_t total, void *arg),
		      void *arg);

/* ---------------------------------------------------------------------- */
/* Stores                                                                  */
/* ---------------------------------------------------------------------- */

/* What a page of a store is. */
#define UFFD_PAGE_DATA	0	/* contents returned in the buffer */
#define UFFD_PAGE_ZERO	1	/* all zero: resolved with UFFDIO_ZEROPAGE */

struct uffd_store;

/*
 * A store's operations, for stores of your own (uffd_store_new).  Every
 * operation may be called from several threads at once.  They return 0 or
 * a negative errno; a store that can tell why calls uffd_pager_diagnose().
 * Errors the pager retries: ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT,
 * EIO, EAGAIN, ENOTCONN, EHOSTUNREACH, ENETUNREACH; others (EBADMSG for a
 * corrupt page, ERANGE, ENOENT) are permanent.
 */
struct uffd_store_ops {
	const char *name;	/* "file", "tcp", "redis"... */
	/* Pages [first, first + n): data pages into @buf (page i at
	 * buf + i * page_size), the kind of each into kind[i]. */
	int (*read)(void *priv, uint64_t first, size_t n, void *buf,
		    uint8_t *kind);
	/* Optional: the n pages idx[0..n), in that order, likewise.  Without
	 * it the pager calls read() once per run of consecutive pages. */
	int (*readv)(void *priv, const uint64_t *idx, size_t n, void *buf,
		     uint8_t *kind);
	/* Optional: pages [first, first + n) in place, as a pointer into a
	 * mapping that stays valid until close (no copy into a buffer). */
	int (*direct)(void *priv, uint64_t first, size_t n,
		      const void **data, uint8_t *kind);
	void (*close)(void *priv);
};

/* A store of @npages pages of @page_size bytes served by @ops on @priv. */
struct uffd_store *uffd_store_new(const struct uffd_store_ops *ops, void *priv,
				  uint64_t npages, size_t page_size);

/* Flags for uffd_store_file_open(). */
#define UFFD_STORE_MMAP		(1u << 0)  /* COPY from a mapping of the file */
#define UFFD_STORE_NOVERIFY	(1u << 1)  /* trust the data: no checksums */

/* An image file, read with pread() (default) or from a mapping. */
struct uffd_store *uffd_store_file_open(const char *path, unsigned flags);
/*
 * A raw memory file: plain bytes, page i at offset i * page size, no
 * checksums (a Firecracker snapshot's memory file).  Its size must be a
 * whole number of pages.  Flags: UFFD_STORE_MMAP.
 */
struct uffd_store *uffd_store_raw_open(const char *path, unsigned flags);
/*
 * A page server (`uffd serve`, uffd_server_start): @addr is HOST:PORT,
 * [IPV6]:PORT or unix:PATH.  @timeout_ms bounds connecting and every
 * reply (0: 2000 ms): a dead or hung server is an error, never a hang.
 */
struct uffd_store *uffd_store_tcp_open(const char *addr, unsigned flags,
				       unsigned timeout_ms);
/*
 * Redis (hiredis): @addr is HOST:PORT or unix:PATH; pages are the keys
 * PREFIX:meta and PREFIX:N put there by uffd_store_redis_import().  Fails
 * with ENOTSUP when libuffd was built without hiredis.
 */
struct uffd_store *uffd_store_redis_open(const char *addr, const char *prefix,
					 unsigned timeout_ms);
int uffd_store_redis_import(const char *addr, const char *prefix,
			    const char *image_path);

uint64_t uffd_store_npages(const struct uffd_store *s);
size_t uffd_store_page_size(const struct uffd_store *s);
const char *uffd_store_name(const struct uffd_store *s);
/* Read pages as a pager does (no retries). */
int uffd_store_read(struct uffd_store *s, uint64_t first, size_t n, void *buf,
		    uint8_t *kind);
void uffd_store_close(struct uffd_store *s);

/* Record why a store operation failed (for uffd_pager_diagnostic()). */
void uffd_pager_diagnose(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* ---------------------------------------------------------------------- */
/* Page server                                                             */
/* ---------------------------------------------------------------------- */

struct uffd_server;

struct uffd_server_stats {
	uint64_t connections;	/* accepted so far */
	uint64_t active;	/* open now */
	uint64_t requests;	/* READ requests answered */
	uint64_t pages;		/* pages sent (zero pages included) */
	uint64_t bytes;		/* bytes sent */
};

/*
 * Serve the image at @image_path on @addr (as for uffd_store_tcp_open; a
 * port of 0 picks a free one) from threads of this process.
 */
struct uffd_server *uffd_server_start(const char *addr, const char *image_path);
/* The address actually bound, e.g. "127.0.0.1:40123". */
const char *uffd_server_address(const struct uffd_server *s);
void uffd_server_stats(const struct uffd_server *s, struct uffd_server_stats *st);
/* Close every connection and the listening socket, join the threads. */
void uffd_server_stop(struct uffd_server *s);

/* ---------------------------------------------------------------------- */
/* The pager                                                               */
/* ---------------------------------------------------------------------- */

/* What the pager does once a store has failed for timeout_ms. */
enum uffd_pager_on_error {
	UFFD_ON_ERROR_SIGBUS,	/* SIGBUS to the faulting thread (default) */
	UFFD_ON_ERROR_ZERO,	/* resolve with zero pages, count them lost */
	UFFD_ON_ERROR_WAIT,	/* keep retrying until the store answers */
};

/* uffd_pager_config.flags */
#define UFFD_PAGER_NO_PREFETCH	 (1u << 0)  /* demand faults only */
#define UFFD_PAGER_NO_BACKGROUND (1u << 1)  /* readahead, no full sweep */
#define UFFD_PAGER_RECORD	 (1u << 2)  /* record first-touch order */

/* Zero-initialised fields take the defaults shown. */
struct uffd_pager_config {
	/* UFFD_ENGINE_AUTO: uffd_open(), so $UFFD_ENGINE decides. */
	enum uffd_engine_kind engine;
	unsigned workers;	/* demand-fault threads (2) */
	unsigned queues;	/* userfaultfds the regions are striped over (1) */
	size_t stripe;		/* bytes per stripe when queues > 1 (2 MiB) */
	unsigned flags;		/* UFFD_PAGER_* */
	unsigned readahead;	/* pages prefetched after a fault (64) */
	unsigned batch;		/* pages per prefetch COPY (64, at most 256) */
	const char *replay;	/* a plan saved by uffd_pager_save_plan() */
	enum uffd_pager_on_error on_error;
	unsigned timeout_ms;	/* retry a failing store this long (2000) */
};

struct uffd_pager;

/*
 * A pager serving faults from @store (which it owns from now on, closing
 * it in uffd_pager_close, even when this call fails).  Its threads run
 * from now on; faults arrive once regions are added.
 */
struct uffd_pager *uffd_pager_new(struct uffd_store *store,
				  const struct uffd_pager_config *cfg);
/*
 * Register [addr, addr + len) -- private anonymous memory whose pages are
 * all missing -- for pages [first_page, ...) of the store.  Returns the
 * region's number (0, 1, ...).
 */
int uffd_pager_add(struct uffd_pager *p, void *addr, size_t len,
		   uint64_t first_page);
/* Map fresh anonymous memory for @npages pages and add it; NULL on error.
 * The memory stays mapped after uffd_pager_close (munmap it yourself). */
void *uffd_pager_map(struct uffd_pager *p, uint64_t first_page, size_t npages,
		     int *region);
/*
 * Wait until every page of every region is present: 0; -1 with ETIMEDOUT
 * after @timeout_ms (-1: no limit), or EIO when the store failed and
 * pages were given up (see uffd_pager_error()).
 */
int uffd_pager_wait(struct uffd_pager *p, int timeout_ms);
/* Fetch every page still missing now (even with NO_PREFETCH), then wait. */
int uffd_pager_complete(struct uffd_pager *p, int timeout_ms);
/* Save the first-touch order recorded so far (UFFD_PAGER_RECORD). */
int uffd_pager_save_plan(struct uffd_pager *p, const char *path);
/* The engine serving the regions: "kernel" or "emulated". */
const char *uffd_pager_engine(const struct uffd_pager *p);
/* The first store failure, in words; NULL when none happened. */
const char *uffd_pager_error(struct uffd_pager *p);
/*
 * Stop the threads, unregister the regions (pages still missing then read
 * as zero, as after UFFDIO_UNREGISTER), close the userfaultfds and the
 * store, free.  Memory is left mapped.
 */
int uffd_pager_close(struct uffd_pager *p);

/* ---- a uffd from another process (Firecracker-style VMMs) ---- */

/* A region of the owner's memory and where its contents are in the store. */
struct uffd_pager_region {
	uint64_t addr;		/* start, in the owner's address space */
	uint64_t len;		/* bytes */
	uint64_t offset;	/* bytes into the store (a page multiple) */
	uint64_t page_size;	/* 0: the host's; 2 MiB for hugetlb memory */
};

/*
 * Serve the faults of @uffd -- a userfaultfd created, initialised
 * (UFFDIO_API) and registered by process @owner, received over a UNIX
 * socket -- from @store: @n regions, each from its own offset.  The pager
 * owns @uffd and @store from now on (closing both, even when this call
 * fails).  UFFD_EVENT_REMOVE and UNMAP, when the owner asked for them,
 * make their pages read as zeros.  SIGBUS goes to the owner's faulting
 * thread (or to the owner when it did not ask for thread ids).  With
 * @owner > 0 its exit stops the pager (uffd_pager_wait_owner); closing
 * leaves the regions registered.  cfg.engine and cfg.queues are ignored.
 * Huge-page regions need the kernel engine for now (ENOTSUP otherwise).
 */
struct uffd_pager *uffd_pager_adopt(int uffd, pid_t owner,
				    const struct uffd_pager_region *regions,
				    size_t n, struct uffd_store *store,
				    const struct uffd_pager_config *cfg);
/* Wait until the owner of an adopted uffd has exited: 0; -1 with
 * ETIMEDOUT after @timeout_ms (-1: no limit), EINVAL without an owner.
 * uffd_pager_wait() returns ESRCH once it has. */
int uffd_pager_wait_owner(struct uffd_pager *p, int timeout_ms);

/* ---- metrics ---- */

/* Fault service time histogram: bucket 0 is < 1 us, bucket i (1..22) is
 * [2^(i-1), 2^i) us, bucket 23 is >= 2^22 us (about 4 s). */
#define UFFD_PAGER_HIST 24

struct uffd_pager_stats {
	uint64_t pages;		/* pages in the region(s) */
	uint64_t present;	/* pages resolved so far */
	uint64_t faults;	/* fault messages read */
	uint64_t demand_pages;	/* pages resolved because a thread faulted */
	uint64_t prefetch_pages;/* pages resolved before any fault on them */
	uint64_t joined;	/* faults on pages already being prefetched */
	uint64_t spurious;	/* messages for present pages: UFFDIO_WAKE */
	uint64_t zero_pages;	/* resolved with UFFDIO_ZEROPAGE */
	uint64_t bytes;		/* bytes copied in with UFFDIO_COPY */
	uint64_t store_errors;	/* store reads that failed */
	uint64_t lost_pages;	/* pages given up: zero-filled or SIGBUS */
	uint64_t sigbus;	/* SIGBUS sent to faulting threads */
	uint64_t lat_total_ns;	/* sum of fault service times */
	uint64_t lat_max_ns;
	uint64_t lat_hist[UFFD_PAGER_HIST];
	uint64_t first_fault_ns;/* pager start to first fault (0: none yet) */
	uint64_t complete_ns;	/* pager start to last page present (0: not yet) */
};

/* Metrics of region @region, or of all regions when @region is -1. */
int uffd_pager_stats(struct uffd_pager *p, int region,
		     struct uffd_pager_stats *st);

enum uffd_pager_thread_kind {
	UFFD_THREAD_FAULTING,	/* an application thread that faulted */
	UFFD_THREAD_WORKER,	/* a demand-fault worker */
	UFFD_THREAD_PREFETCH,	/* the prefetcher */
};

struct uffd_pager_thread {
	pid_t tid;
	enum uffd_pager_thread_kind kind;
	uint64_t faults;	/* faulting: faults taken; worker: served */
	uint64_t pages;		/* pages this thread resolved */
	/* faulting: time blocked in faults (message read to resolution);
	 * worker/prefetcher: time blocked on the store */
	uint64_t blocked_ns;
	uint64_t busy_ns;	/* worker/prefetcher: time spent working */
};

/* Up to @max threads into @out; returns how many there are in all. */
int uffd_pager_threads(struct uffd_pager *p, struct uffd_pager_thread *out,
		       int max);
/* The metrics as a human-readable table. */
void uffd_pager_print_stats(struct uffd_pager *p, FILE *f);

/* ---------------------------------------------------------------------- */
/* Dirty tracking                                                          */
/* ---------------------------------------------------------------------- */

struct uffd_dirty;

/*
 * Write-protect [addr, addr + len) (private anonymous memory) through a
 * userfaultfd of @engine (AUTO: uffd_open()) and track which pages are
 * written from now on.  Never-touched pages are tracked too.
 */
struct uffd_dirty *uffd_dirty_start(void *addr, size_t len,
				    enum uffd_engine_kind engine);

#define UFFD_DIRTY_RESET	(1u << 0)  /* clear and protect again */

/*
 * Pages written since the start or the last reset: a bitmap of npages
 * bits into @bitmap (may be NULL; bit i of word i / 64 is page i).  With
 * UFFD_DIRTY_RESET those pages are write-protected again, so a later call
 * reports only writes made after this one returned.  Returns the count.
 */
ssize_t uffd_dirty_collect(struct uffd_dirty *d, uint64_t *bitmap,
			   unsigned flags);
/* Write-protect faults handled so far. */
uint64_t uffd_dirty_faults(const struct uffd_dirty *d);
const char *uffd_dirty_engine(const struct uffd_dirty *d);
/* Remove the protection, unregister, close, free. */
void uffd_dirty_stop(struct uffd_dirty *d);

#ifdef __cplusplus
}
#endif
#endif
