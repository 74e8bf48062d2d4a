/* SPDX-License-Identifier: MIT */
/*
 * stress - bounce memory between two areas through userfaultfd, for as long
 * as asked, on the engine named by $UFFD_ENGINE.
 *
 * The design follows the kernel's own uffd-stress (docs/testing.md and
 * ../shared/uffd-semantics.md 13.3), re-implemented on the public API:
 *
 *  - per CPU a *locking* thread takes the pthread mutex that lives at the
 *    start of a random (or the next) page of the destination area and bumps
 *    the page's counter, checking it against a verification array kept
 *    outside the registered memory.  The first access to a missing page is
 *    the lock's atomic instruction, so faults happen inside
 *    pthread_mutex_lock() and a torn or zero page shows as a mismatch;
 *  - per uffd a *handler* thread resolves faults: UFFDIO_COPY from the
 *    source area (EEXIST -> UFFDIO_WAKE) for missing faults, write-protect
 *    removal for WP faults; it waits in a blocking read() or in poll() on a
 *    non-blocking descriptor, alternating from one bounce to the next;
 *  - per CPU a *background* thread COPYs its share of pages, and half-way
 *    through write-protects its whole share (when both engines have WP), so
 *    that WP faults race with missing faults.
 *
 * A bounce ends when every page was transferred; the destination is then
 * unregistered and every page verified (tag, counter, pattern, mutex), and
 * source and destination swap.
 *
 * Order of operations per bounce: the destination is *unregistered*, then
 * MADV_DONTNEED'ed, then registered.  (uffd-stress registers first and
 * zaps afterwards; the emulated engine does not yet see an MADV_DONTNEED
 * of registered memory -- the zapped pages would read as zero pages instead
 * of faulting -- so the zap happens while the range is unregistered, which
 * is equivalent here because every handler thread has been joined before
 * it, so no late UFFDIO_COPY can repopulate the area in between.)
 *
 *   stress [-m MiB] [-p pages] [-b bounces] [-t seconds] [-n threads]
 *          [-u uffds] [-o random|sequential|mixed] [-r racing|own|mixed]
 *          [-w poll|read|mixed] [-W 0|1] [-q]
 *
 * Without -b and -t it runs 16 bounces.  With -t it runs bounces until
 * that many seconds have passed (and at most -b bounces, if given).  Exit
 * status 0 only with 0 counter mismatches and 0 corrupted pages; the last
 * line is a summary ("stress: ...").
 */
#include "harness.h"
#include <getopt.h>
#include <sys/eventfd.h>
#include <time.h>

#define MAX_THREADS	64
#define MAX_UFFDS	64
#define BATCH		16

#define BOUNCE_RANDOM	1
#define BOUNCE_RACING	2
#define BOUNCE_POLL	4

/* The start of every page: what the locking threads use. */
struct page_hdr {
	pthread_mutex_t lock;
	uint64_t count;
	uint64_t tag;		/* the page number: a zero page has 0 here */
	uint64_t tag2;		/* ~page number */
};

/* Options. */
static size_t npages = 4096;
static long max_bounces = -1;
static long seconds;
static int nthreads, nuffds;
static int opt_order = -1, opt_racing = -1, opt_wait = -1, opt_wp = 1;
static int quiet;

/* State. */
static char *area[2], *src, *dst;
static size_t nper;			/* pages per background/locking thread */
static size_t chunk;			/* pages per uffd */
static uint64_t *count_verify;
static int ufd[MAX_UFFDS];
static int stop_efd[MAX_UFFDS];
static uint64_t features;
static bool use_wp;
static int bounce_mode;
static volatile int finished;
static long bounce_no;

/* Statistics (atomics). */
static unsigned long st_missing, st_missing_write, st_wp, st_copies,
	st_eexist, st_wakes, st_bg_copies, st_bg_eexist, st_eexist_checks,
	st_lockops, st_mismatch, st_corrupt, st_reads, st_eintr, st_msgs;

#define ADD(v, n) __atomic_add_fetch(&(v), (n), __ATOMIC_RELAXED)
#define GET(v) __atomic_load_n(&(v), __ATOMIC_RELAXED)

static inline struct page_hdr *hdr(char *a, size_t nr)
{
	return (struct page_hdr *)(a + nr * (size_t)t_page);
}

static inline uint8_t pattern(size_t nr, size_t off)
{
	return (uint8_t)((nr * 131 + off * 7 + (off >> 8)) ^ 0xa5);
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int uffd_of(size_t nr)
{
	return (int)(nr / chunk);
}

/* ---- the operations ------------------------------------------------------ */

/* UFFDIO_COPY of page @nr from src to dst: 0, or EEXIST. */
static int copy_page(int fd, size_t nr, bool retry_check)
{
	struct uffdio_copy c = {
		.dst = (uintptr_t)dst + nr * (size_t)t_page,
		.src = (uintptr_t)src + nr * (size_t)t_page,
		.len = (uint64_t)t_page,
		.mode = use_wp ? UFFDIO_COPY_MODE_WP : 0,
	};

	if (uffd_ioctl(fd, UFFDIO_COPY, &c) == 0) {
		CHECK_MSG(c.copy == t_page, "COPY page %zu: copy %lld", nr,
			  (long long)c.copy);
		if (retry_check) {
			/* Now present: a second COPY must say EEXIST. */
			c.copy = 0;
			CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EEXIST);
			CHECK_EQ(c.copy, -EEXIST);
			ADD(st_eexist_checks, 1);
		}
		return 0;
	}
	CHECK_MSG(errno == EEXIST, "COPY page %zu: %s (copy %lld)", nr,
		  t_errname(errno), (long long)c.copy);
	CHECK_EQ(c.copy, -EEXIST);
	return EEXIST;
}

static void wp_range(int fd, size_t first, size_t n, bool on)
{
	struct uffdio_writeprotect wp = {
		.range = { (uintptr_t)dst + first * (size_t)t_page, n * (size_t)t_page },
		.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	if (uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		t_fail(__FILE__, __LINE__, "WRITEPROTECT(%s) pages %zu+%zu: %s",
		       on ? "on" : "off", first, n, t_errname(errno));
}

/* Write-protect (or not) [first, first + n) through the owning uffds. */
static void wp_pages(size_t first, size_t n, bool on)
{
	size_t end = first + n;

	while (first < end) {
		size_t stop = (first / chunk + 1) * chunk;

		if (stop > end)
			stop = end;
		wp_range(ufd[uffd_of(first)], first, stop - first, on);
		first = stop;
	}
}

/* ---- handler threads ------------------------------------------------------ */

struct handler {
	pthread_t thread;
	int u;			/* index of its uffd */
	volatile int done;
	unsigned long copies_since_check;
};

static struct handler handlers[MAX_UFFDS];

static void handle_msg(struct handler *h, const struct uffd_msg *m)
{
	uint64_t a = m->arg.pagefault.address;
	char *base = dst + (size_t)h->u * chunk * (size_t)t_page;
	size_t nr;

	ADD(st_msgs, 1);
	CHECK_MSG(m->event == UFFD_EVENT_PAGEFAULT, "unexpected event %#x", m->event);
	CHECK_MSG(a >= (uintptr_t)base && a < (uintptr_t)base + chunk * (size_t)t_page,
		  "fault at %#llx outside uffd %d's range", (unsigned long long)a, h->u);
	CHECK_MSG(!(a & ((uint64_t)t_page - 1)), "unaligned fault address %#llx",
		  (unsigned long long)a);
	nr = (size_t)(a - (uintptr_t)dst) / (size_t)t_page;

	if (m->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP) {
		CHECK_MSG(use_wp, "WP fault without write protection");
		CHECK_MSG(m->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE,
			  "WP fault without WRITE flag");
		ADD(st_wp, 1);
		wp_range(ufd[h->u], nr, 1, false);	/* unprotect and wake */
		return;
	}
	CHECK_MSG(!(m->arg.pagefault.flags & ~(uint64_t)UFFD_PAGEFAULT_FLAG_WRITE),
		  "fault flags %#llx", (unsigned long long)m->arg.pagefault.flags);
	ADD(st_missing, 1);
	if (m->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE)
		ADD(st_missing_write, 1);
	if (copy_page(ufd[h->u], nr, ++h->copies_since_check % 512 == 0) == 0) {
		ADD(st_copies, 1);
	} else {
		ADD(st_eexist, 1);
		if (t_wake(ufd[h->u], dst + nr * (size_t)t_page, (size_t)t_page))
			t_fail(__FILE__, __LINE__, "WAKE: %s", t_errname(errno));
		ADD(st_wakes, 1);
	}
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void *handler_main(void *arg)
{
	struct handler *h = arg;
	struct uffd_msg m[BATCH];
	int fd = ufd[h->u];
	ssize_t r;
	int i;

	if (bounce_mode & BOUNCE_POLL) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = stop_efd[h->u], .events = POLLIN },
		};

		for (;;) {
			int n = poll(p, 2, -1);

			if (n < 0 && errno == EINTR)
				continue;
			CHECK_MSG(n > 0, "poll: %s", t_errname(errno));
			CHECK_MSG(!(p[0].revents & ~POLLIN), "poll revents %#x",
				  p[0].revents);
			if (p[0].revents & POLLIN) {
				r = read(fd, m, sizeof(m));
				if (r < 0) {
					/* A message withdrawn meanwhile. */
					CHECK_MSG(errno == EAGAIN, "read: %s",
						  t_errname(errno));
					continue;
				}
				ADD(st_reads, 1);
				CHECK_MSG(r % (ssize_t)sizeof(m[0]) == 0 && r > 0,
					  "read returned %zd", r);
				for (i = 0; i < r / (ssize_t)sizeof(m[0]); i++)
					handle_msg(h, &m[i]);
				continue;
			}
			if (p[1].revents & POLLIN)
				break;
		}
	} else {
		/* Stopped by signals once done is 1 (handler_stop). */
		while (__atomic_load_n(&h->done, __ATOMIC_ACQUIRE) == 0) {
			r = read(fd, m, sizeof(m));
			if (r < 0) {
				CHECK_MSG(errno == EINTR, "read: %s", t_errname(errno));
				ADD(st_eintr, 1);
				continue;
			}
			ADD(st_reads, 1);
			CHECK_MSG(r % (ssize_t)sizeof(m[0]) == 0 && r > 0,
				  "read returned %zd", r);
			for (i = 0; i < r / (ssize_t)sizeof(m[0]); i++)
				handle_msg(h, &m[i]);
		}
	}
	__atomic_store_n(&h->done, 2, __ATOMIC_RELEASE);
	return NULL;
}

static void handler_stop(struct handler *h)
{
	int i;

	if (bounce_mode & BOUNCE_POLL) {
		uint64_t one = 1;

		CHECK_EQ(write(stop_efd[h->u], &one, sizeof(one)), sizeof(one));
	} else {
		__atomic_store_n(&h->done, 1, __ATOMIC_RELEASE);
		/* The signal may come before the read blocks: repeat it. */
		for (i = 0; __atomic_load_n(&h->done, __ATOMIC_ACQUIRE) != 2; i++) {
			CHECK_MSG(i < 20000, "handler of uffd %d does not stop", h->u);
			pthread_kill(h->thread, SIGUSR1);
			if (i > 2)
				t_msleep(1);
		}
	}
	CHECK_OK(-pthread_join(h->thread, NULL));
	if (bounce_mode & BOUNCE_POLL) {
		uint64_t v;

		CHECK_EQ(read(stop_efd[h->u], &v, sizeof(v)), sizeof(v));
	}
}

/* ---- locking and background threads --------------------------------------- */

static void *locking_main(void *arg)
{
	long cpu = (long)(intptr_t)arg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(cpu + 1) +
		       (uint64_t)bounce_no * 7919 + 1;
	size_t nr = ((size_t)bounce_no * 37) % npages, lo = 0, span = npages;
	unsigned long ops = 0;

	if (!(bounce_mode & BOUNCE_RACING)) {
		lo = (size_t)cpu * nper;
		span = nper;
	}
	while (!__atomic_load_n(&finished, __ATOMIC_ACQUIRE)) {
		struct page_hdr *p;
		uint64_t count;
		size_t n;

		if (bounce_mode & BOUNCE_RANDOM)
			n = lo + (size_t)(xorshift(&rng) % span);
		else
			n = lo + (nr++ % span);
		p = hdr(dst, n);
		CHECK_OK(-pthread_mutex_lock(&p->lock));
		count = p->count;
		if (count != count_verify[n] || p->tag != n || p->tag2 != ~(uint64_t)n) {
			if (ADD(st_mismatch, 1) <= 10)
				fprintf(stderr, "stress: page %zu: count %llu, expected %llu, "
					"tag %#llx\n", n, (unsigned long long)count,
					(unsigned long long)count_verify[n],
					(unsigned long long)p->tag);
			if (count < count_verify[n])
				count = count_verify[n];
		}
		count++;
		p->count = count_verify[n] = count;
		CHECK_OK(-pthread_mutex_unlock(&p->lock));
		ops++;
	}
	ADD(st_lockops, ops);
	return NULL;
}

static void *background_main(void *arg)
{
	long cpu = (long)(intptr_t)arg;
	size_t start = (size_t)cpu * nper, end = start + nper, mid = start + nper / 2, n;

	for (n = start; n < mid; n++) {
		if (copy_page(ufd[uffd_of(n)], n, n % 1024 == 7) == 0)
			ADD(st_bg_copies, 1);
		else
			ADD(st_bg_eexist, 1);
	}
	/* Half of the share is there: protect it all, faults race with it. */
	if (use_wp)
		wp_pages(start, nper, true);
	for (n = mid; n < end; n++) {
		if (copy_page(ufd[uffd_of(n)], n, n % 1024 == 7) == 0)
			ADD(st_bg_copies, 1);
		else
			ADD(st_bg_eexist, 1);
	}
	return NULL;
}

/* ---- one bounce ------------------------------------------------------------ */

static void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	CHECK(fl >= 0);
	CHECK_OK(fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK));
}

static unsigned long verify(void)
{
	unsigned long bad = 0;
	size_t nr, off;

	for (nr = 0; nr < npages; nr++) {
		struct page_hdr *p = hdr(dst, nr);
		const uint8_t *b = (const uint8_t *)p;
		bool ok = p->tag == nr && p->tag2 == ~(uint64_t)nr;

		if (ok && p->count != count_verify[nr]) {
			if (ADD(st_mismatch, 1) <= 10)
				fprintf(stderr, "stress: verify page %zu: count %llu, "
					"expected %llu\n", nr,
					(unsigned long long)p->count,
					(unsigned long long)count_verify[nr]);
		}
		for (off = sizeof(*p); ok && off < (size_t)t_page; off++)
			ok = b[off] == pattern(nr, off);
		if (ok && pthread_mutex_trylock(&p->lock) == 0)
			pthread_mutex_unlock(&p->lock);
		else
			ok = false;
		if (!ok) {
			if (++bad <= 10)
				fprintf(stderr, "stress: page %zu corrupted (tag %#llx)\n",
					nr, (unsigned long long)p->tag);
		}
	}
	return bad;
}

static void bounce(void)
{
	pthread_t lock_t[MAX_THREADS], bg_t[MAX_THREADS];
	uint64_t mode = UFFDIO_REGISTER_MODE_MISSING;
	unsigned long bad;
	char *tmp;
	long i;
	int u;

	if (use_wp)
		mode |= UFFDIO_REGISTER_MODE_WP;
	/* Unregistered now: zap, then register (see the header comment). */
	CHECK_OK(madvise(dst, npages * (size_t)t_page, MADV_DONTNEED));
	for (u = 0; u < nuffds; u++) {
		uint64_t ioctls;

		set_nonblock(ufd[u], bounce_mode & BOUNCE_POLL);
		ioctls = t_register(ufd[u], dst + (size_t)u * chunk * (size_t)t_page,
				    chunk, mode);
		CHECK(ioctls & ((uint64_t)1 << _UFFDIO_COPY));
		if (use_wp)
			CHECK(ioctls & ((uint64_t)1 << _UFFDIO_WRITEPROTECT));
	}

	__atomic_store_n(&finished, 0, __ATOMIC_RELEASE);
	for (u = 0; u < nuffds; u++) {
		handlers[u].u = u;
		handlers[u].done = 0;
		CHECK_OK(-pthread_create(&handlers[u].thread, NULL, handler_main,
					 &handlers[u]));
	}
	for (i = 0; i < nthreads; i++) {
		CHECK_OK(-pthread_create(&lock_t[i], NULL, locking_main, (void *)(intptr_t)i));
		CHECK_OK(-pthread_create(&bg_t[i], NULL, background_main, (void *)(intptr_t)i));
	}
	for (i = 0; i < nthreads; i++)
		CHECK_OK(-pthread_join(bg_t[i], NULL));
	/*
	 * Everything is in dst.  Zap src now: a handler still COPYing from it
	 * reads zeros but gets EEXIST, since every dst page is present.
	 */
	CHECK_OK(madvise(src, npages * (size_t)t_page, MADV_DONTNEED));
	__atomic_store_n(&finished, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nthreads; i++)
		CHECK_OK(-pthread_join(lock_t[i], NULL));
	for (u = 0; u < nuffds; u++)
		handler_stop(&handlers[u]);

	for (u = 0; u < nuffds; u++) {
		if (use_wp)
			wp_range(ufd[u], (size_t)u * chunk, chunk, false);
		t_unregister(ufd[u], dst + (size_t)u * chunk * (size_t)t_page, chunk);
		/* Nothing may be left queued. */
		set_nonblock(ufd[u], true);
		{
			struct uffd_msg m;

			CHECK_EQ(t_drain(ufd[u], &m, 1), 0);
		}
	}
	bad = verify();
	ADD(st_corrupt, bad);

	tmp = src;
	src = dst;
	dst = tmp;
}

/* ---- setup and main ------------------------------------------------------- */

static int mode_arg(const char *s, const char *a, const char *b)
{
	if (!strcmp(s, a))
		return 1;
	if (!strcmp(s, b))
		return 0;
	if (!strcmp(s, "mixed"))
		return -1;
	fprintf(stderr, "stress: expected %s, %s or mixed, not %s\n", a, b, s);
	exit(2);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: stress [-m MiB | -p pages] [-b bounces] [-t seconds] [-n threads]\n"
		"              [-u uffds] [-o random|sequential|mixed] [-r racing|own|mixed]\n"
		"              [-w poll|read|mixed] [-W 0|1] [-q]\n");
	exit(2);
}

static void parse(int argc, char **argv)
{
	int c;

	optind = 1;
	while ((c = getopt(argc, argv, "m:p:b:t:n:u:o:r:w:W:qh")) != -1) {
		switch (c) {
		case 'm': npages = (size_t)strtoul(optarg, NULL, 0) * (1UL << 20) /
				   (size_t)t_page; break;
		case 'p': npages = (size_t)strtoul(optarg, NULL, 0); break;
		case 'b': max_bounces = strtol(optarg, NULL, 0); break;
		case 't': seconds = strtol(optarg, NULL, 0); break;
		case 'n': nthreads = atoi(optarg); break;
		case 'u': nuffds = atoi(optarg); break;
		case 'o': opt_order = mode_arg(optarg, "random", "sequential"); break;
		case 'r': opt_racing = mode_arg(optarg, "racing", "own"); break;
		case 'w': opt_wait = mode_arg(optarg, "poll", "read"); break;
		case 'W': opt_wp = atoi(optarg); break;
		case 'q': quiet = 1; break;
		default: usage();
		}
	}
	if (max_bounces < 0 && !seconds)
		max_bounces = 16;
}

int stress_main(int argc, char **argv)
{
	struct sigaction sa;
	double t0, t;
	size_t nr, off;
	long b;
	int u;

	t_init(30);		/* re-armed below once the duration is known */
	parse(argc, argv);
	if (!nthreads)
		nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if (!nuffds)
		nuffds = nthreads;
	if (nuffds > MAX_UFFDS)
		nuffds = MAX_UFFDS;
	/* Whole shares for every thread and every uffd. */
	{
		size_t unit = (size_t)nthreads * (size_t)nuffds * 2;

		npages = (npages + unit - 1) / unit * unit;
	}
	nper = npages / (size_t)nthreads;
	chunk = npages / (size_t)nuffds;
	/* A bounce takes well under a minute even on the slow paths. */
	alarm((unsigned int)(seconds + 300 + (long)(npages / 64)));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: read() gets EINTR */
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

	features = t_features();
	use_wp = opt_wp && (features & UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	for (u = 0; u < nuffds; u++) {
		ufd[u] = t_open_api(O_CLOEXEC, features & UFFD_FEATURE_WP_UNPOPULATED);
		stop_efd[u] = eventfd(0, EFD_CLOEXEC);
		CHECK(stop_efd[u] >= 0);
	}
	area[0] = t_map(npages);
	area[1] = t_map(npages);
	count_verify = calloc(npages, sizeof(*count_verify));
	CHECK(count_verify);
	src = area[0];
	dst = area[1];
	for (nr = 0; nr < npages; nr++) {
		struct page_hdr *p = hdr(src, nr);
		uint8_t *bp = (uint8_t *)p;

		CHECK_OK(-pthread_mutex_init(&p->lock, NULL));
		p->count = count_verify[nr] = 1;
		p->tag = nr;
		p->tag2 = ~(uint64_t)nr;
		for (off = sizeof(*p); off < (size_t)t_page; off++)
			bp[off] = pattern(nr, off);
	}
	printf("stress: engine %s, %zu pages (%zu MiB) x2, %d threads of each kind, "
	       "%d uffds, wp %s%s\n", uffd_engine(ufd[0]), npages,
	       npages * (size_t)t_page >> 20, nthreads, nuffds, use_wp ? "on" : "off",
	       use_wp && (features & UFFD_FEATURE_WP_UNPOPULATED) ? " (unpopulated)" : "");

	t0 = now_s();
	for (b = 0;; b++) {
		unsigned long m0 = GET(st_missing), w0 = GET(st_wp), c0 = GET(st_corrupt),
			      x0 = GET(st_mismatch);

		if (max_bounces >= 0 && b >= max_bounces)
			break;
		if (seconds && now_s() - t0 >= (double)seconds)
			break;
		bounce_no = b;
		bounce_mode = 0;
		if (opt_order == 1 || (opt_order < 0 && (b & 1)))
			bounce_mode |= BOUNCE_RANDOM;
		if (opt_racing == 1 || (opt_racing < 0 && (b & 2)))
			bounce_mode |= BOUNCE_RACING;
		if (opt_wait == 1 || (opt_wait < 0 && (b & 4)))
			bounce_mode |= BOUNCE_POLL;
		bounce();
		if (!quiet)
			printf("bounce %ld: %s %s %s: %lu missing faults, %lu wp faults, "
			       "%lu mismatches, %lu corrupted pages\n", b,
			       bounce_mode & BOUNCE_RANDOM ? "random" : "sequential",
			       bounce_mode & BOUNCE_RACING ? "racing" : "own",
			       bounce_mode & BOUNCE_POLL ? "poll" : "read",
			       GET(st_missing) - m0, GET(st_wp) - w0,
			       GET(st_mismatch) - x0, GET(st_corrupt) - c0);
		if (GET(st_corrupt) || GET(st_mismatch))
			break;
	}
	t = now_s() - t0;
	printf("stress: engine %s: %ld bounces in %.1f s, %lu faults (%lu missing of "
	       "which %lu write, %lu wp), %lu handler copies, %lu EEXIST+wake, "
	       "%lu background copies (%lu EEXIST), %lu EEXIST re-checks, %lu reads "
	       "(%lu EINTR), %lu lock ops, %lu counter mismatches, %lu corrupted pages\n",
	       uffd_engine(ufd[0]), b, t, GET(st_missing) + GET(st_wp), GET(st_missing),
	       GET(st_missing_write), GET(st_wp), GET(st_copies), GET(st_eexist),
	       GET(st_bg_copies), GET(st_bg_eexist), GET(st_eexist_checks),
	       GET(st_reads), GET(st_eintr), GET(st_lockops), GET(st_mismatch),
	       GET(st_corrupt));
	CHECK_EQ(GET(st_mismatch), 0);
	CHECK_EQ(GET(st_corrupt), 0);
	CHECK(b > 0);
	/* Every page of every bounce was installed by exactly one COPY. */
	CHECK_EQ(GET(st_bg_copies) + GET(st_copies), (unsigned long)npages * (unsigned long)b);
	for (u = 0; u < nuffds; u++) {
		close(ufd[u]);
		close(stop_efd[u]);
	}
	return 0;
}

#ifndef STRESS_NO_MAIN
int main(int argc, char **argv)
{
	return stress_main(argc, argv);
}
#endif
