/* SPDX-License-Identifier: MIT */
/* Helpers shared by the conformance tests (see harness.h). */
#include "harness.h"
#include <stdarg.h>
#include <stdatomic.h>
#include <time.h>

long t_page;
const char *t_engine_name = "auto";

const char *t_errname(int err)
{
	const char *s = strerrorname_np(err);

	return err == 0 ? "0" : s ? s : "E?";
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "FAIL %s:%d [%s]: ", file, line, t_engine_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	_exit(1);
}

void t_skip(const char *fmt, ...)
{
	va_list ap;

	fflush(stderr);
	printf("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	_exit(T_SKIP);
}

static void on_alarm(int sig)
{
	static const char msg[] = "FAIL: watchdog expired (hang)\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(124);
}

void t_init(int timeout_seconds)
{
	const char *e = getenv("UFFD_ENGINE");

	setvbuf(stdout, NULL, _IOLBF, 0);
	t_page = sysconf(_SC_PAGESIZE);
	if (e && *e)
		t_engine_name = e;
	signal(SIGALRM, on_alarm);
	alarm(timeout_seconds > 0 ? (unsigned int)timeout_seconds : 30);
}

int t_open(int flags)
{
	int fd = uffd_open(flags);

	if (fd < 0) {
		if (errno == EINVAL)
			t_fail(__FILE__, __LINE__, "uffd_open(%#x): EINVAL: %s",
			       flags, uffd_diagnostic());
		t_skip("%s engine unavailable: %s", t_engine_name, uffd_diagnostic());
	}
	return fd;
}

int t_open_api(int flags, uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = t_open(flags);

	if (uffd_ioctl(fd, UFFDIO_API, &api))
		t_fail(__FILE__, __LINE__, "UFFDIO_API(features %#llx): %s",
		       (unsigned long long)features, t_errname(errno));
	return fd;
}

uint64_t t_features(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = t_open(O_CLOEXEC);

	if (uffd_ioctl(fd, UFFDIO_API, &api))
		t_fail(__FILE__, __LINE__, "UFFDIO_API: %s", t_errname(errno));
	close(fd);
	return api.features;
}

void t_require(uint64_t features)
{
	uint64_t have = t_features();

	if ((have & features) != features)
		t_skip("%s engine lacks features %#llx", t_engine_name,
		       (unsigned long long)(features & ~have));
}

/*
 * Test memory comes from an arena of its own, far below the area where
 * mmap(NULL) places mappings, with an unmapped page after each mapping.  A
 * hole a test punches (munmap) then stays a hole: with mmap(NULL) another
 * thread (the engine's, or a sanitizer's) can map something into it
 * between the munmap and the test's next look.  TSan reserves the address
 * space the arena would use, so there the hint is not given.
 */
#define T_ARENA 0x3f0000000000UL

static void *arena_map(size_t len)
{
#if !defined(__SANITIZE_THREAD__) && defined(MAP_FIXED_NOREPLACE)
	static _Atomic uintptr_t next = T_ARENA;
	uintptr_t a = atomic_fetch_add(&next, len + (size_t)t_page);
	void *p = mmap((void *)a, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == (void *)a)
		return p;
	if (p != MAP_FAILED)
		munmap(p, len);
#endif
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
}

void *t_map(size_t npages)
{
	void *p = arena_map(npages * (size_t)t_page);

	if (p == MAP_FAILED)
		t_fail(__FILE__, __LINE__, "mmap: %s", t_errname(errno));
	return p;
}

void *t_hole(void)
{
	char *p = t_map(3);

	if (munmap(p + t_page, (size_t)t_page))
		t_fail(__FILE__, __LINE__, "munmap: %s", t_errname(errno));
	return p + t_page;
}

uint64_t t_register(int fd, void *p, size_t npages, uint64_t mode)
{
	struct uffdio_register r = {
		.range = { (uintptr_t)p, npages * (size_t)t_page }, .mode = mode,
	};

	if (uffd_ioctl(fd, UFFDIO_REGISTER, &r))
		t_fail(__FILE__, __LINE__, "UFFDIO_REGISTER: %s", t_errname(errno));
	return r.ioctls;
}

void t_unregister(int fd, void *p, size_t npages)
{
	struct uffdio_range r = { (uintptr_t)p, npages * (size_t)t_page };

	if (uffd_ioctl(fd, UFFDIO_UNREGISTER, &r))
		t_fail(__FILE__, __LINE__, "UFFDIO_UNREGISTER: %s", t_errname(errno));
}

int t_copy_byte(int fd, void *dst, int byte, uint64_t mode)
{
	static char *src;
	struct uffdio_copy c;

	if (!src)
		src = t_map(1);
	memset(src, byte, (size_t)t_page);
	c.dst = (uintptr_t)dst;
	c.src = (uintptr_t)src;
	c.len = (uint64_t)t_page;
	c.mode = mode;
	c.copy = 0;
	return uffd_ioctl(fd, UFFDIO_COPY, &c);
}

int t_zeropage(int fd, void *dst, size_t npages, uint64_t mode)
{
	struct uffdio_zeropage z = {
		.range = { (uintptr_t)dst, npages * (size_t)t_page }, .mode = mode,
	};

	return uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z);
}

int t_wake(int fd, void *p, size_t len)
{
	struct uffdio_range r = { (uintptr_t)p, len };

	return uffd_ioctl(fd, UFFDIO_WAKE, &r);
}

int t_poll(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0 ? pfd.revents : 0;
}

bool t_read_msg(int fd, struct uffd_msg *m, int timeout_ms)
{
	int fl = fcntl(fd, F_GETFL);
	ssize_t r;

	if (fl & O_NONBLOCK) {
		if (!(t_poll(fd, POLLIN, timeout_ms) & POLLIN))
			return false;
	}
	r = read(fd, m, sizeof(*m));
	if (r != (ssize_t)sizeof(*m))
		t_fail(__FILE__, __LINE__, "read(uffd) = %zd: %s", r, t_errname(errno));
	return true;
}

int t_drain(int fd, struct uffd_msg *out, int max)
{
	ssize_t r = read(fd, out, (size_t)max * sizeof(*out));

	if (r < 0) {
		if (errno == EAGAIN)
			return 0;
		t_fail(__FILE__, __LINE__, "read(uffd): %s", t_errname(errno));
	}
	return (int)(r / (ssize_t)sizeof(*out));
}

static void *toucher_main(void *arg)
{
	struct t_toucher *t = arg;

	__atomic_store_n(&t->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	if (t->write)
		*t->addr = t->value;
	t->seen = *t->addr;
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

void t_touch_start(struct t_toucher *t, void *addr, int write, char value)
{
	memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->write = write;
	t->value = value;
	if (pthread_create(&t->thread, NULL, toucher_main, t))
		t_fail(__FILE__, __LINE__, "pthread_create");
	while (!__atomic_load_n(&t->tid, __ATOMIC_ACQUIRE))
		sched_yield();
}

bool t_touch_wait(struct t_toucher *t, int timeout_ms)
{
	int i;

	for (i = 0; i < timeout_ms; i++) {
		if (__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
			return true;
		t_msleep(1);
	}
	return __atomic_load_n(&t->done, __ATOMIC_ACQUIRE);
}

void t_touch_join(struct t_toucher *t)
{
	pthread_join(t->thread, NULL);
}

void t_msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

char t_thread_state(pid_t tid)
{
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

int t_fork_run(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		t_fail(__FILE__, __LINE__, "fork: %s", t_errname(errno));
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* Does environment entry @e ("NAME=...") name the variable of @change? */
static bool env_names(const char *e, const char *change)
{
	size_t n = strcspn(change, "=");

	return !strncmp(e, change, n) && e[n] == '=';
}

char **t_child_env(const char *const *changes)
{
	extern char **environ;
	static const char asan_opt[] = "verify_asan_link_order=0";
	const char *ao = getenv("ASAN_OPTIONS");
	const char *const *c;
	size_t n = 0, k = 0, i, alen;
	char **env, *asan;

	for (i = 0; environ[i]; i++)
		n++;
	for (c = changes; c && *c; c++)
		n++;
	alen = sizeof("ASAN_OPTIONS=") + (ao ? strlen(ao) + 1 : 0) + sizeof(asan_opt);
	env = malloc((n + 2) * sizeof(*env) + alen);
	CHECK(env);
	asan = (char *)(env + n + 2);
	for (i = 0; environ[i]; i++) {
		bool drop = env_names(environ[i], "ASAN_OPTIONS");

		for (c = changes; !drop && c && *c; c++)
			drop = env_names(environ[i], *c);
		if (!drop)
			env[k++] = environ[i];
	}
	snprintf(asan, alen, "ASAN_OPTIONS=%s%s%s", ao ? ao : "", ao && *ao ? ":" : "",
		 asan_opt);
	for (c = changes; c && *c; c++) {
		if (env_names(*c, "ASAN_OPTIONS"))
			asan = NULL;	/* the caller's, as given */
		if (strchr(*c, '='))
			env[k++] = (char *)*c;
	}
	if (asan)
		env[k++] = asan;
	env[k] = NULL;
	return env;
}

int t_vma_count_in(void *p, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	uintptr_t lo = (uintptr_t)p, hi = lo + len;
	unsigned long s, e;
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	/* A line longer than the buffer: only its first piece is parsed. */
	for (bool start = true; fgets(line, sizeof(line), f);
	     start = strchr(line, '\n') != NULL)
		if (start && sscanf(line, "%lx-%lx", &s, &e) == 2 && s < hi && e > lo)
			n++;
	fclose(f);
	return n;
}

int t_vma_count(void)
{
	return t_vma_count_in(NULL, SIZE_MAX);
}

uint64_t t_pagemap(void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)p / (uintptr_t)t_page * 8)) != 8)
		e = 0;
	close(fd);
	return e;
}
