/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the event, shmem, MINOR and hugetlb conformance tests
 * (t_event_*, t_shmem_*, t_minor_*, t_hugetlb_*).  Header-only, static.
 *
 *   ev_format()   one message as text, addresses relative to a region in
 *                 pages: "REMOVE +4..+8", "UNMAP +3..+6",
 *                 "REMAP +0->+8 len 4", "PF +2 0x1", "FORK"
 *   ev_collect()  run a memory call in a thread while reading the uffd
 *                 (an event blocks its caller until it is read), the
 *                 messages joined with "; "
 *   ev_do()       ev_collect() of one madvise/munmap/mremap/mmap call
 *   shm_memfd()   a memfd of a given size
 *   hp_setup()    a hugetlb pool for the test, restored afterwards
 */
#ifndef UFFD_TEST_EVENTS_UTIL_H
#define UFFD_TEST_EVENTS_UTIL_H

#include "harness.h"
#include <stdarg.h>

#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif

#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); \
	if (strcmp(_a, _b)) t_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", \
				   #a, _a, _b); } while (0)

static inline const char *ev_name(unsigned int e)
{
	switch (e) {
	case UFFD_EVENT_PAGEFAULT: return "PF";
	case UFFD_EVENT_FORK: return "FORK";
	case UFFD_EVENT_REMAP: return "REMAP";
	case UFFD_EVENT_REMOVE: return "REMOVE";
	case UFFD_EVENT_UNMAP: return "UNMAP";
	}
	return "EVENT?";
}

/* "+N" (pages from @base) for a page-aligned address near @base, else hex. */
static inline void ev_addr(char *buf, size_t n, uintptr_t base, uint64_t a)
{
	long long d = (long long)(a - (uint64_t)base);

	if (a % (uint64_t)t_page == 0 && d > -(1LL << 30) && d < (1LL << 30))
		snprintf(buf, n, "%+lld", d / t_page);
	else
		snprintf(buf, n, "%#llx", (unsigned long long)a);
}

static inline void ev_format(char *out, size_t n, uintptr_t base, const struct uffd_msg *m)
{
	char a[24], b[24];

	switch (m->event) {
	case UFFD_EVENT_PAGEFAULT:
		ev_addr(a, sizeof(a), base, m->arg.pagefault.address);
		snprintf(out, n, "PF %s %#llx", a,
			 (unsigned long long)m->arg.pagefault.flags);
		break;
	case UFFD_EVENT_REMOVE:
	case UFFD_EVENT_UNMAP:
		ev_addr(a, sizeof(a), base, m->arg.remove.start);
		ev_addr(b, sizeof(b), base, m->arg.remove.end);
		snprintf(out, n, "%s %s..%s", ev_name(m->event), a, b);
		break;
	case UFFD_EVENT_REMAP:
		ev_addr(a, sizeof(a), base, m->arg.remap.from);
		ev_addr(b, sizeof(b), base, m->arg.remap.to);
		if (m->arg.remap.len % (uint64_t)t_page == 0)
			snprintf(out, n, "REMAP %s->%s len %llu", a, b,
				 (unsigned long long)(m->arg.remap.len / (uint64_t)t_page));
		else
			snprintf(out, n, "REMAP %s->%s len %#llx bytes", a, b,
				 (unsigned long long)m->arg.remap.len);
		break;
	case UFFD_EVENT_FORK:
		snprintf(out, n, "FORK");
		break;
	default:
		snprintf(out, n, "EVENT %#x", m->event);
	}
}

static inline void ev_append(char *out, size_t n, const char *s)
{
	size_t l = strlen(out);

	snprintf(out + l, n - l, "%s%s", l ? "; " : "", s);
}

struct ev_actor {
	pthread_t thread;
	void (*fn)(void *);
	void *arg;
	volatile int done;
};

static inline void *ev_actor_main(void *p)
{
	struct ev_actor *a = p;

	a->fn(a->arg);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Run @fn(@arg) in a thread while reading the (O_NONBLOCK) uffd @fd; every
 * message read until @fn has returned, and any still queued after, goes
 * to @out (formatted relative to @base, joined with "; ").  @fn must not
 * fault on registered missing pages: nobody resolves them here.  Returns
 * the number of messages; a call still blocked after 10 s fails the test.
 */
static inline int ev_collect(int fd, uintptr_t base, void (*fn)(void *), void *arg,
			     char *out, size_t n)
{
	struct ev_actor a = { .fn = fn, .arg = arg };
	struct uffd_msg m[16];
	char one[96];
	int count = 0, i, k, waited = 0;

	out[0] = 0;
	if (pthread_create(&a.thread, NULL, ev_actor_main, &a))
		t_fail(__FILE__, __LINE__, "pthread_create");
	for (;;) {
		int re = t_poll(fd, POLLIN, 10);

		if (re & POLLIN) {
			if (!t_read_msg(fd, &m[0], 0))
				continue;
			ev_format(one, sizeof(one), base, &m[0]);
			ev_append(out, n, one);
			count++;
			continue;
		}
		if (re & ~POLLIN)
			t_fail(__FILE__, __LINE__, "poll(uffd) revents %#x", re);
		if (__atomic_load_n(&a.done, __ATOMIC_ACQUIRE))
			break;
		waited += 10;
		if (waited > 10000)
			t_fail(__FILE__, __LINE__, "memory call still blocked after 10 s "
			       "(messages so far: \"%s\")", out);
	}
	pthread_join(a.thread, NULL);
	/* Anything else queued (there should be nothing). */
	k = t_drain(fd, m, 16);
	for (i = 0; i < k; i++) {
		ev_format(one, sizeof(one), base, &m[i]);
		ev_append(out, n, one);
		count++;
	}
	return count;
}

enum ev_op { EV_MADVISE, EV_MUNMAP, EV_MREMAP, EV_MMAP_FIXED };

struct ev_call {
	enum ev_op op;
	void *addr;
	size_t len;
	size_t new_len;		/* EV_MREMAP */
	int arg;		/* advice / mremap flags / mmap flags */
	void *new_addr;		/* EV_MREMAP with MREMAP_FIXED */
	int mfd;		/* EV_MMAP_FIXED: fd (-1 anonymous) */
	void *ret;		/* result (mremap/mmap), or (void *)(long)rc */
	int err;
};

static inline void ev_call_run(void *p)
{
	struct ev_call *c = p;

	errno = 0;
	switch (c->op) {
	case EV_MADVISE:
		c->ret = (void *)(long)madvise(c->addr, c->len, c->arg);
		break;
	case EV_MUNMAP:
		c->ret = (void *)(long)munmap(c->addr, c->len);
		break;
	case EV_MREMAP:
		c->ret = mremap(c->addr, c->len, c->new_len, c->arg, c->new_addr);
		break;
	case EV_MMAP_FIXED:
		c->ret = mmap(c->addr, c->len, PROT_READ | PROT_WRITE,
			      c->arg | MAP_FIXED, c->mfd, 0);
		break;
	}
	c->err = errno;
}

/* Run @c while reading @fd; print "@what: <messages>"; returns the count. */
static inline int ev_do(int fd, uintptr_t base, struct ev_call *c, const char *what,
			char *out, size_t n)
{
	int k = ev_collect(fd, base, ev_call_run, c, out, n);

	printf("%s: %s\n", what, k ? out : "(no message)");
	return k;
}

static inline void *ev_madvise_ok(int fd, uintptr_t base, void *addr, size_t len,
				  int advice, const char *what, const char *expect)
{
	struct ev_call c = { .op = EV_MADVISE, .addr = addr, .len = len, .arg = advice };
	char out[512];

	ev_do(fd, base, &c, what, out, sizeof(out));
	CHECK_MSG(c.ret == 0, "%s: madvise returned %ld errno %s", what,
		  (long)c.ret, t_errname(c.err));
	CHECK_STR(out, expect);
	return c.ret;
}

/* A reserved (PROT_NONE) region of @npages pages, to place mappings in. */
static inline char *ev_reserve(size_t npages)
{
	char *p = mmap(NULL, npages * (size_t)t_page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		t_fail(__FILE__, __LINE__, "mmap: %s", t_errname(errno));
	return p;
}

/* Anonymous private read-write pages at a fixed place inside a reservation. */
static inline char *ev_map_at(char *at, size_t npages)
{
	char *p = mmap(at, npages * (size_t)t_page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p != at)
		t_fail(__FILE__, __LINE__, "mmap(MAP_FIXED): %s", t_errname(errno));
	return p;
}

/* No message queued now (non-blocking uffd). */
static inline void ev_none(int fd, const char *what)
{
	struct uffd_msg m;
	char one[96];

	if (t_drain(fd, &m, 1)) {
		ev_format(one, sizeof(one), 0, &m);
		t_fail(__FILE__, __LINE__, "%s: unexpected message %s", what, one);
	}
}

/* ---- a monitor in the style of the kernel selftests' "events" test ------ */

struct ev_monitor {
	int fd;			/* the uffd read; switches to the child's on FORK */
	char *src;		/* page contents, in this process */
	uintptr_t area;		/* start of the monitored area; follows REMAP */
	size_t npages;
	volatile int stop;
	int running;		/* set by the thread once it is in its loop */
	int missing, minor, forks, remaps, removes, eexist;
	int ack_fd;		/* if > 0, a byte is written here after each REMOVE */
	char err[256];
	pthread_t thread;
};

static inline void ev_mon_error(struct ev_monitor *mo, const char *msg, uint64_t v)
{
	if (!mo->err[0])
		snprintf(mo->err, sizeof(mo->err), "%s (%#llx)", msg, (unsigned long long)v);
}

static inline void ev_mon_handle(struct ev_monitor *mo, const struct uffd_msg *m)
{
	struct uffdio_range r;
	struct uffdio_copy c;
	uint64_t a, off;

	switch (m->event) {
	case UFFD_EVENT_PAGEFAULT:
		a = m->arg.pagefault.address;
		if (m->arg.pagefault.flags & (UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_MINOR)) {
			ev_mon_error(mo, "unexpected fault flags", m->arg.pagefault.flags);
			mo->minor++;
		}
		off = (a - mo->area) & ~((uint64_t)t_page - 1);
		if (a < mo->area || off >= mo->npages * (uint64_t)t_page) {
			ev_mon_error(mo, "fault outside the area", a);
			return;
		}
		c = (struct uffdio_copy){ mo->area + off, (uintptr_t)mo->src + off,
					  (uint64_t)t_page, 0, 0 };
		if (uffd_ioctl(mo->fd, UFFDIO_COPY, &c) == 0)
			mo->missing++;
		else if (errno == EEXIST) {
			mo->eexist++;
			r = (struct uffdio_range){ mo->area + off, (uint64_t)t_page };
			if (uffd_ioctl(mo->fd, UFFDIO_WAKE, &r))
				ev_mon_error(mo, "UFFDIO_WAKE failed", (uint64_t)errno);
		} else
			ev_mon_error(mo, "UFFDIO_COPY failed", (uint64_t)errno);
		break;
	case UFFD_EVENT_FORK:
		__atomic_store_n(&mo->fd, (int)m->arg.fork.ufd, __ATOMIC_RELEASE);
		__atomic_add_fetch(&mo->forks, 1, __ATOMIC_RELEASE);
		break;
	case UFFD_EVENT_REMAP:
		if (m->arg.remap.from != mo->area ||
		    m->arg.remap.len != mo->npages * (uint64_t)t_page)
			ev_mon_error(mo, "unexpected REMAP from/len", m->arg.remap.from);
		mo->area = m->arg.remap.to;
		mo->remaps++;
		break;
	case UFFD_EVENT_REMOVE:
		r = (struct uffdio_range){ m->arg.remove.start,
					   m->arg.remove.end - m->arg.remove.start };
		if (uffd_ioctl(mo->fd, UFFDIO_UNREGISTER, &r))
			ev_mon_error(mo, "UFFDIO_UNREGISTER failed", (uint64_t)errno);
		mo->removes++;
		if (mo->ack_fd > 0 && write(mo->ack_fd, "r", 1) != 1)
			ev_mon_error(mo, "ack write failed", (uint64_t)errno);
		break;
	default:
		ev_mon_error(mo, "unexpected event", m->event);
	}
}

static inline void *ev_mon_main(void *p)
{
	struct ev_monitor *mo = p;
	struct uffd_msg m;

	__atomic_store_n(&mo->running, 1, __ATOMIC_RELEASE);
	for (;;) {
		int re = t_poll(mo->fd, POLLIN, 10);

		if (re & POLLIN) {
			ssize_t n = read(mo->fd, &m, sizeof(m));

			if (n == (ssize_t)sizeof(m))
				ev_mon_handle(mo, &m);
			else if (!(n < 0 && errno == EAGAIN))
				ev_mon_error(mo, "read(uffd) failed", (uint64_t)errno);
			continue;
		}
		if (re)
			ev_mon_error(mo, "poll(uffd) revents", (uint64_t)re);
		if (__atomic_load_n(&mo->stop, __ATOMIC_ACQUIRE))
			return NULL;
	}
}

static inline void ev_mon_start(struct ev_monitor *mo)
{
	if (pthread_create(&mo->thread, NULL, ev_mon_main, mo))
		t_fail(__FILE__, __LINE__, "pthread_create");
	/*
	 * Return once the thread runs: a test that forks right after must not
	 * fork while the new thread is still starting up (under ASan its
	 * start-up allocates, and GCC 12's allocator is not fork-safe: a lock
	 * held at fork() stays held in the child).
	 */
	while (!__atomic_load_n(&mo->running, __ATOMIC_ACQUIRE))
		sched_yield();
}

static inline void ev_mon_stop(struct ev_monitor *mo)
{
	__atomic_store_n(&mo->stop, 1, __ATOMIC_RELEASE);
	pthread_join(mo->thread, NULL);
	printf("monitor: missing %d minor %d eexist %d forks %d remaps %d removes %d%s%s\n",
	       mo->missing, mo->minor, mo->eexist, mo->forks, mo->remaps, mo->removes,
	       mo->err[0] ? " error: " : "", mo->err);
}

/* Page @nr's contents: a counter and a byte pattern. */
static inline void ev_pattern(char *page, size_t nr)
{
	memset(page, (int)(nr * 7 + 1) & 0xff, (size_t)t_page);
	*(uint64_t *)(void *)page = nr + 1;
}

static inline int ev_check_page(const volatile char *page, size_t nr)
{
	long i;

	if (*(const volatile uint64_t *)(const volatile void *)page != nr + 1)
		return -1;
	for (i = 8; i < t_page; i++)
		if (page[i] != (char)((nr * 7 + 1) & 0xff))
			return -1;
	return 0;
}

/*
 * The selftests' faulting process: read (and write back) the first half
 * of the area, mremap it to @tgt, the second half, then MADV_DONTNEED the
 * whole area and check it reads zero.  0, or the failing step.
 */
static inline int ev_faulting_process(char *area, char *tgt, size_t npages)
{
	size_t nr, half = (npages + 1) / 2, len = npages * (size_t)t_page;
	long i;

	for (nr = 0; nr < half; nr++) {
		if (ev_check_page(area + nr * t_page, nr))
			return 10;
		*(volatile uint64_t *)(void *)(area + nr * t_page) = nr + 1;
	}
	area = mremap(area, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, tgt);
	if (area != tgt)
		return 11;
	for (; nr < npages; nr++) {
		if (ev_check_page(area + nr * t_page, nr))
			return 12;
		*(volatile uint64_t *)(void *)(area + nr * t_page) = nr + 1;
	}
	if (madvise(area, len, MADV_DONTNEED))
		return 13;
	for (nr = 0; nr < npages; nr++)
		for (i = 0; i < t_page; i++)
			if (((volatile char *)area)[nr * t_page + i])
				return 14;
	return 0;
}

/* ---- shmem ------------------------------------------------------------- */

static inline int shm_memfd(const char *name, size_t npages, unsigned int flags)
{
	int mfd = memfd_create(name, MFD_CLOEXEC | flags);

	if (mfd < 0)
		t_fail(__FILE__, __LINE__, "memfd_create: %s", t_errname(errno));
	if (ftruncate(mfd, (off_t)(npages * (size_t)t_page)))
		t_fail(__FILE__, __LINE__, "ftruncate: %s", t_errname(errno));
	return mfd;
}

static inline char *shm_map(int mfd, size_t len, int flags)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, mfd, 0);

	if (p == MAP_FAILED)
		t_fail(__FILE__, __LINE__, "mmap(memfd): %s", t_errname(errno));
	return p;
}

static inline int t_continue(int fd, void *p, size_t len, uint64_t mode, int64_t *mapped)
{
	struct uffdio_continue c = { { (uintptr_t)p, len }, mode, 0x7777 };
	int r = uffd_ioctl(fd, UFFDIO_CONTINUE, &c);

	if (mapped)
		*mapped = c.mapped;
	return r;
}

/* ---- hugetlb pool ------------------------------------------------------ */

#define HP_SIZE ((size_t)2 << 20)
#define HP_SYSCTL "/proc/sys/vm/nr_hugepages"

static long hp_saved = -1, hp_set = -1;	/* before, and what we wrote */
static pid_t hp_owner, hp_child;
static char hp_saved_text[32];
static size_t hp_saved_len;

static inline long hp_read_long(const char *path)
{
	char buf[64];
	ssize_t n;
	int f = open(path, O_RDONLY | O_CLOEXEC);

	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static inline int hp_write_text(const char *s, size_t len)
{
	int f = open(HP_SYSCTL, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (f < 0)
		return -1;
	n = write(f, s, len);
	close(f);
	return n == (ssize_t)len ? 0 : -1;
}

/* A /proc/meminfo field ("HugePages_Free"), or -1. */
static inline long hp_meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t kl = strlen(key);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/*
 * Async-signal-safe; only the process that changed the pool restores it,
 * and only while the pool is still what it made it: other programs may
 * have set the pool meanwhile, and theirs stays.
 */
static inline void hp_restore(void)
{
	if (hp_set >= 0 && getpid() == hp_owner && hp_read_long(HP_SYSCTL) == hp_set &&
	    !hp_write_text(hp_saved_text, hp_saved_len))
		hp_set = -1;
}

static inline void hp_on_signal(int sig)
{
	if (hp_child > 0)
		kill(hp_child, SIGKILL);
	hp_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Make @n free 2 MiB huge pages available (skip with a reason when that
 * is impossible).  The test then goes on in a child process with a fresh
 * @timeout watchdog; this process waits for it, puts vm.nr_hugepages back
 * -- also at exit and on SIGTERM/SIGINT/SIGHUP -- and exits with the
 * child's status.  Call it before any uffd is opened (it forks: see
 * hp_start() in hugetlb_util.h).
 */
static inline void hp_setup(int n, int timeout)
{
	char buf[32];
	long free_pages;
	pid_t pid;
	int st, len;

	if (hp_meminfo("Hugepagesize") != 2048)
		t_skip("default huge page size is %ld kB, not 2048", hp_meminfo("Hugepagesize"));
	hp_saved = hp_read_long(HP_SYSCTL);
	if (hp_saved < 0)
		t_skip("cannot read " HP_SYSCTL ": %s", t_errname(errno));
	hp_saved_len = (size_t)snprintf(hp_saved_text, sizeof(hp_saved_text), "%ld\n", hp_saved);
	hp_owner = getpid();
	atexit(hp_restore);
	signal(SIGTERM, hp_on_signal);
	signal(SIGINT, hp_on_signal);
	signal(SIGHUP, hp_on_signal);
	free_pages = hp_meminfo("HugePages_Free");
	if (free_pages < n) {
		len = snprintf(buf, sizeof(buf), "%ld\n", hp_saved + (n - free_pages));
		hp_set = hp_saved + (n - free_pages);
		if (hp_write_text(buf, (size_t)len)) {
			int e = errno;

			hp_restore();
			t_skip("cannot set " HP_SYSCTL ": %s", t_errname(e));
		}
		free_pages = hp_meminfo("HugePages_Free");
		if (free_pages < n) {
			hp_restore();
			t_skip("hugetlb pool: %ld free 2 MiB pages, %d needed", free_pages, n);
		}
	}
	alarm(0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		hp_restore();
		t_fail(__FILE__, __LINE__, "fork: %s", t_errname(errno));
	}
	if (pid == 0) {
		hp_set = -1;		/* the parent restores */
		alarm((unsigned int)timeout);
		return;
	}
	hp_child = pid;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	hp_child = 0;
	hp_restore();
	if (hp_set >= 0)
		fprintf(stderr, "warning: %s is %ld, not put back to %ld (changed meanwhile?)\n",
			HP_SYSCTL, hp_read_long(HP_SYSCTL), hp_saved);
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "FAIL: test process killed by signal %d\n", WTERMSIG(st));
		_exit(1);
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

#endif
