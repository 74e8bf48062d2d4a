/* SPDX-License-Identifier: MIT */
/*
 * The pager's private header: what its source files share.
 *
 *	crc.c		CRC-32C (hardware when the CPU has it)
 *	diag.c		uffd_pager_diagnostic() and friends
 *	image.c		the image format: writer and reader
 *	store.c		the store object, generic reads
 *	store_file.c	store: an image file (pread or mmap)
 *	net.c		addresses, sockets, full reads and writes
 *	proto.h		the page-server wire protocol
 *	store_tcp.c	store: a page server (client side)
 *	server.c		the page server
 *	store_redis.c	store: Redis (only with hiredis)
 *	pool.c		connection pools for the network stores
 *	pager.c			the pager: lifecycle, regions, waiting
 *	adopt.c		a uffd from another process (Firecracker-style VMMs)
 *	store_raw.c	store: a raw memory file (plain bytes)
 *	install.c		COPY / ZEROPAGE / WAKE with their corner cases
 *	fetch.c		fetching with retries and the failure policy
 *	fault.c		demand-fault workers
 *	prefetch.c	the prefetcher: readahead, plan, sweep
 *	plan.c		record/replay plan files
 *	stats.c		metrics
 *	dirty.c		write-protect dirty tracking
 */
#ifndef LIBUFFD_PAGER_H
#define LIBUFFD_PAGER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include "uffd_pager.h"

#define PAGER_API __attribute__((visibility("default")))

/* ---- diag.c ---- */
/* Set this thread's diagnostic; returns -1 with errno = @err. */
int pager_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pager_diag_clear(void);
/* errno values a store failure is retried on. */
bool pager_err_transient(int err);

/* ---- crc.c ---- */
uint32_t pager_crc32c(uint32_t crc, const void *buf, size_t len);
/* The checksum of page @index with contents @data (see docs/pager.md). */
uint32_t pager_page_crc(uint64_t index, const void *data, size_t page_size);

/* ---- image.c: the on-disk format (little-endian) ---- */
#define IMG_MAGIC	"UFFDIMG1"
#define IMG_VERSION	1
#define IMG_HDR_SIZE	128
#define IMG_F_ZERO	1u	/* entry flag: the page is all zero */

struct img_header {
	char magic[8];
	uint32_t version;
	uint32_t page_size;
	uint64_t npages;
	uint64_t table_offset;
	uint64_t data_offset;
	uint64_t base;
	uint64_t data_pages;
	uint64_t zero_pages;
	uint32_t table_crc;
	uint32_t header_crc;	/* of these 128 bytes with this field 0 */
	char label[56];
};
_Static_assert(sizeof(struct img_header) == IMG_HDR_SIZE, "image header");

struct img_entry {
	uint32_t crc;
	uint32_t flags;
};

/* An image opened for reading: the table in memory, the data by offset. */
struct img {
	int fd;
	struct img_header h;
	struct img_entry *table;	/* npages entries (mapped) */
	size_t table_map_len;
	const char *path;		/* for messages (owned) */
};
int img_open(struct img *im, const char *path);
void img_close(struct img *im);
/* Offset of page @i's data in the file. */
static inline uint64_t img_data_off(const struct img *im, uint64_t i)
{
	return im->h.data_offset + i * im->h.page_size;
}
/* Check page @i's contents against the table: 0 or -EBADMSG (diagnosed). */
int img_check(const char *what, uint64_t i, const struct img_entry *e,
	      const void *data, size_t page_size);

/* ---- store.c ---- */
struct uffd_store {
	const struct uffd_store_ops *ops;
	void *priv;
	uint64_t npages;
	size_t page_size;
};
/* Read an arbitrary list of pages (readv, else runs of read()). */
int store_readv(struct uffd_store *s, const uint64_t *idx, size_t n, void *buf,
		uint8_t *kind);

/* ---- net.c ---- */
/* Parse HOST:PORT, [V6]:PORT, :PORT or unix:PATH into a socket address. */
struct net_addr {
	int family;
	socklen_t len;
	union {
		struct sockaddr sa;
		struct sockaddr_storage ss;
	} u;
};
int net_parse(const char *addr, bool passive, struct net_addr *out);
int net_connect(const struct net_addr *a, unsigned timeout_ms);
int net_listen(const struct net_addr *a);
void net_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t size);
/* Send/receive exactly @len bytes: 0, or -errno (-ECONNRESET on EOF,
 * -ETIMEDOUT on a socket timeout). */
int net_send(int fd, const void *buf, size_t len);
int net_recv(int fd, void *buf, size_t len);
void net_set_timeout(int fd, unsigned timeout_ms);

/* ---- pool.c: idle connections of a network store ---- */
struct pool {
	pthread_mutex_t lock;
	void **idle;
	int nidle, cap;
	void (*destroy)(void *conn);
};
void pool_init(struct pool *p, void (*destroy)(void *conn));
/* An idle connection, or NULL (then make a new one). */
void *pool_get(struct pool *p);
/* Back to the pool after a successful exchange (a failed one: destroy). */
void pool_put(struct pool *p, void *conn);
void pool_fini(struct pool *p);

/* ---- the pager ---- */
#define PAGER_MAX_QUEUES	16
#define PAGER_MAX_WORKERS	64
#define PAGER_MAX_REGIONS	64
#define PAGER_MAX_BATCH		256
#define PAGER_MAX_THREADS	128	/* faulting threads tracked */
#define PAGER_HINTS		64

/* Per-page state (one byte). */
#define PG_STATE	3u
#define PG_MISSING	0u
#define PG_BUSY		1u	/* being fetched by its claimer */
#define PG_PRESENT	2u
#define PG_LOST		3u	/* given up: prefetch skips it, a fault tries once */
#define PG_TOUCHED	4u	/* a fault was seen for it (record/replay) */

struct pager_counters {
	_Atomic uint64_t present, faults, demand, prefetch, joined, spurious,
		zero, bytes, store_errors, lost, sigbus, lat_total, lat_max;
	_Atomic uint64_t hist[UFFD_PAGER_HIST];
	_Atomic uint64_t first_fault, complete;
};

struct pager_region {
	int id;
	char *base;
	size_t npages;			/* pages of ps bytes */
	size_t ps;			/* page size: the host's, or a huge page */
	size_t k;			/* store pages per page (ps / store's) */
	uint64_t first;			/* store page of base */
	_Atomic uint8_t *state;		/* npages bytes */
	size_t sweep;			/* prefetcher's cursor */
	struct pager_counters c;
};

/* A thread's metrics (workers and prefetcher own theirs; faulting
 * threads are found by tid in a small open-addressed table). */
struct pager_thread {
	_Atomic pid_t tid;
	enum uffd_pager_thread_kind kind;
	_Atomic uint64_t faults, pages, blocked_ns, busy_ns;
};

struct pager_worker {
	struct uffd_pager *p;
	pthread_t thread;
	struct pager_thread st;
	void *buf;			/* one batch of pages (buf_pages) */
	uint8_t *kind;			/* buf_pages entries */
};

struct uffd_pager {
	struct uffd_store *store;
	struct uffd_pager_config cfg;
	size_t ps;			/* page size (the store's and host's) */
	size_t buf_pages;		/* store pages a worker buffer holds */
	size_t stripe_pages;		/* pages per stripe (queues > 1) */
	int nq;
	int fds[PAGER_MAX_QUEUES];
	bool have_tid;			/* UFFD_FEATURE_THREAD_ID granted */
	int stopfd;			/* eventfd: threads return */
	_Atomic bool stop;
	uint64_t t0;			/* creation time (ns) */
	pid_t pid;			/* the process whose memory is served */

	/* adopt.c: a uffd received from another process. */
	bool adopted;
	int pidfd;			/* the owner's pidfd, or -1 */
	_Atomic bool owner_gone;
	const char *zeros;		/* a huge page of zeros (huge regions) */
	size_t zeros_len;

	int nworkers;
	struct pager_worker workers[PAGER_MAX_WORKERS];
	struct pager_worker prefetcher;
	bool prefetch_started;

	pthread_mutex_t lock;		/* regions, hints, plan, record, waits */
	pthread_cond_t cond;		/* progress: pages present, errors */
	pthread_cond_t work;		/* prefetcher: something to do */
	struct pager_region *regions[PAGER_MAX_REGIONS];
	_Atomic int nregions;
	_Atomic uint64_t total_pages, present_pages;
	_Atomic int demand_active;	/* workers handling fault messages */
	_Atomic bool sweep_all;		/* uffd_pager_complete() */

	struct { int region; size_t page; } hints[PAGER_HINTS];
	unsigned hint_head, hint_count;

	uint64_t *plan;			/* replay: store pages in order */
	size_t nplan, plan_pos;

	uint64_t *rec;			/* record: store pages in order */
	size_t nrec, caprec;

	/* Store failure: first failure time of the current outage, whether
	 * the policy has been applied (the store is considered dead). */
	_Atomic uint64_t fail_since;
	_Atomic bool dead;
	_Atomic bool gave_up;		/* some pages were lost */
	char error[256];		/* first failure, for uffd_pager_error */
	_Atomic bool has_error;

	struct pager_thread threads[PAGER_MAX_THREADS];
};

uint64_t pager_now(void);
/* CLOCK_MONOTONIC now + @timeout_ms, for pthread_cond_timedwait. */
void pager_deadline(struct timespec *ts, int timeout_ms);
/* Region containing @addr, or NULL; *page gets the page index in it. */
struct pager_region *pager_find(struct uffd_pager *p, uint64_t addr, size_t *page);
/* The userfaultfd of page @page of region @r. */
int pager_fd(const struct uffd_pager *p, const struct pager_region *r, size_t page);
/* Pages of @r that can go in one ioctl from @page: up to the stripe end. */
size_t pager_stripe_left(const struct uffd_pager *p, const struct pager_region *r,
			 size_t page);
/* Claim page @page of @r (MISSING -> BUSY); true when we own it. */
bool pager_claim(struct pager_region *r, size_t page);
/* A fault's claim: MISSING or LOST -> BUSY. */
bool pager_claim_fault(struct pager_region *r, size_t page);
/* Give claimed pages back (BUSY -> MISSING) and wake their waiters. */
void pager_release(struct uffd_pager *p, struct pager_region *r, size_t page, size_t n);
/* Give a claimed page up (BUSY -> LOST) and wake its waiters. */
void pager_lose(struct uffd_pager *p, struct pager_region *r, size_t page);
/* Mark claimed pages present, account for them. */
void pager_mark_present(struct uffd_pager *p, struct pager_region *r, size_t page,
			size_t n, bool demand);
void pager_record(struct uffd_pager *p, uint64_t store_page);
void pager_hint(struct uffd_pager *p, struct pager_region *r, size_t page);
/* Remember the first store failure's text. */
void pager_note_error(struct uffd_pager *p);
/* Some pages were given up: uffd_pager_wait() returns EIO from now on. */
void pager_set_gave_up(struct uffd_pager *p);
/* The pager's creation and its threads (pager.c), shared with adopt.c. */
struct uffd_pager *pager_alloc(struct uffd_store *store,
			       const struct uffd_pager_config *cfg);
int pager_start(struct uffd_pager *p);
void pager_destroy(struct uffd_pager *p);
/* A region of @npages pages of @ps bytes at @addr, store pages from
 * @first; @reg: register it with the pager's uffds (else it already is). */
int pager_add_region(struct uffd_pager *p, void *addr, size_t npages, size_t ps,
		     uint64_t first, bool reg);
/* Pages [start, end) were discarded by the owner (UFFD_EVENT_REMOVE,
 * UNMAP): they read as zeros from now on, nothing is fetched for them. */
void pager_discarded(struct uffd_pager *p, uint64_t start, uint64_t end);
/* The owner of an adopted uffd exited: stop serving. */
void pager_owner_exited(struct uffd_pager *p);
/* pager.c: ask every thread of @p to stop (the stop flag, eventfd, conds). */
void pager_signal_stop(struct uffd_pager *p);

/* install.c: claimed pages [page, page + n) of @r from @buf/@kind. */
int pager_install(struct uffd_pager *p, struct pager_region *r, size_t page,
		  size_t n, const void *buf, const uint8_t *kind);
/* A fault on a page we think present: spurious, or discarded since. */
void pager_resolve_present(struct uffd_pager *p, struct pager_region *r, size_t page);
int pager_wake(struct uffd_pager *p, struct pager_region *r, size_t page, size_t n);

/* fetch.c: read claimed pages, retrying per the policy.
 * @demand: for a fault (retries until timeout_ms); otherwise one try.
 * Returns 0, or -errno when the pages could not be had; *data points at
 * the contents (w->buf or a store mapping), page i at i * r->ps. */
int pager_fetch(struct pager_worker *w, struct pager_region *r, size_t page,
		size_t n, bool demand, const void **data);
/* A read that started at @t failed with a transient error: true once the
 * store has been failing for timeout_ms (it is dead from then on). */
bool pager_outage(struct uffd_pager *p, uint64_t t);
/* A read succeeded: the store is alive (again). */
void pager_store_ok(struct uffd_pager *p);
/*
 * Resolve a claimed page the store could not give, per on_error: SIGBUS
 * to @tid (a thread of the owner) or, for a fault without a thread id in
 * an adopted uffd, to the owner; else ZERO fills it.  A prefetch
 * (!@demand) under SIGBUS or WAIT marks the page LOST for a later fault.
 */
void pager_give_up(struct pager_worker *w, struct pager_region *r, size_t page,
		   pid_t tid, bool demand);
/* Sleep up to @ms, returning early (true) when the pager stops. */
bool pager_sleep(struct uffd_pager *p, unsigned ms);

/* fault.c / prefetch.c */
void *pager_worker_main(void *arg);
void *pager_prefetch_main(void *arg);

/* plan.c */
int plan_load(const char *path, uint64_t **out, size_t *n);
int plan_save(const char *path, const uint64_t *v, size_t n, size_t page_size);

/* stats.c */
void stats_fault(struct uffd_pager *p, struct pager_region *r, pid_t tid,
		 uint64_t ns);
struct pager_thread *stats_thread(struct uffd_pager *p, pid_t tid);
void stats_thread_init(struct pager_thread *t, enum uffd_pager_thread_kind kind);

#endif
