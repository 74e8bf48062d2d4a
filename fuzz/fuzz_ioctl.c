/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the ioctl argument handling of the emulated engine,
 * differentially against the kernel engine.
 *
 * Every input is a short program of operations (ioctls with fuzzed
 * structs, fuzzed argument pointers and fuzzed request numbers, plus
 * read()s).  It runs twice, once on a fresh emulated uffd and once on a
 * fresh kernel uffd, each with its own "window" of memory laid out
 * identically: anonymous pages of several protections, holes, and shmem.
 * Address fields are generated relative to the window (and translated for
 * each engine), or are values that fail validation anyway, so that no
 * operation can reach memory outside the windows.  Compared after every
 * operation: the return value, errno, and every byte the call changed in
 * its argument; after the program: which window pages are present and the
 * contents of the present ones.
 *
 * The kernel uffd is created with UFFD_USER_MODE_ONLY: the emulated engine
 * has the semantics of such a uffd for kernel-mode accesses (a copy_from_user
 * of an argument that lies in a registered missing page fails with EFAULT
 * instead of blocking), which is what makes the comparison safe.  Nothing
 * in the fuzzer itself ever touches window memory from user mode.
 *
 * Documented divergences (docs/emulated-engine.md) are kept out of the
 * inputs: feature bits the emulated engine does not implement are masked
 * from UFFDIO_API.  Divergences found by this fuzzer and not yet fixed in
 * the engine are listed in fuzz/README.md; each is tolerated by a named
 * filter below (today K11 and K21) that FUZZ_STRICT=1 turns off.
 *
 * Without libFuzzer (replay_ioctl: fuzz/replay.c is its main) it runs the
 * files given on the command line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "ioctl_fuzz.h"

struct engine eng[2] = {
	{ .name = "emulated", .kind = UFFD_ENGINE_EMULATED },
	{ .name = "kernel", .kind = UFFD_ENGINE_KERNEL },
};
static bool strict, verbose;
uint64_t emu_features_mask;

/* ---- running an operation on one engine ------------------------------------ */

struct result {
	long ret;
	int err;
	bool have_after;
	uint8_t before[48], after[48];	/* the struct as built / as left */
};

static void place(struct engine *e, const struct op *op, uint8_t *buf, void **argp)
{
	int i;

	for (i = 0; i < op->naddr; i++) {
		struct val v = op->addr[i].val;
		uint64_t x = v.v;

		if (v.win && v.v == SRC_PAGE)
			x = (uint64_t)(uintptr_t)e->src;
		else if (v.win)
			x = (uint64_t)(uintptr_t)e->win + v.v;
		put64(buf, op->addr[i].off, x);
	}
	switch (op->arg) {
	case ARG_NULL:
		*argp = NULL;
		break;
	case ARG_RO:
		mprotect(e->ro, PG, PROT_READ | PROT_WRITE);
		memcpy(e->ro, buf, op->size ? op->size : 48);
		mprotect(e->ro, PG, PROT_READ);
		*argp = e->ro;
		break;
	case ARG_STRADDLE:
		/* The struct ends inside the PROT_NONE page after scratch. */
		*argp = e->scratch + PG - op->arg_off;
		memcpy(*argp, buf, op->arg_off);
		break;
	case ARG_WIN:
		*argp = e->win + op->arg_off;
		break;
	case ARG_UNMAPPED:
		*argp = e->win + P_HOLE1 * PG + 8;
		break;
	default:
		*argp = e->scratch;
		memcpy(e->scratch, buf, op->size ? op->size : 48);
		break;
	}
}

static void run_op(struct engine *e, const struct op *op, struct result *r)
{
	uint8_t buf[48];
	void *arg;

	memset(r, 0, sizeof(*r));
	memcpy(buf, op->raw, sizeof(buf));
	place(e, op, buf, &arg);
	memcpy(r->before, buf, sizeof(buf));
	errno = 0;
	if (op->kind == OP_READ) {
		/* Nothing ever faults here: EAGAIN (or EINVAL before UFFDIO_API). */
		r->ret = read(e->fd, arg, op->read_count);
	} else {
		r->ret = uffd_ioctl(e->fd, op->request, arg);
	}
	r->err = r->ret < 0 ? errno : 0;
	/* What the call left in the struct, where we can see it. */
	if (op->arg == ARG_SCRATCH || op->arg == ARG_RO) {
		memcpy(r->after, arg, op->size ? op->size : 48);
		r->have_after = true;
	} else if (op->arg == ARG_STRADDLE) {
		memcpy(r->after, r->before, sizeof(r->after));
		memcpy(r->after, arg, op->arg_off);
		r->have_after = true;
	}
}

/* ---- environment ------------------------------------------------------------- */

static void die(const char *what)
{
	fprintf(stderr, "fuzz_ioctl: %s: %s\n", what, strerror(errno));
	abort();
}

static void map_fixed(char *at, size_t npages, int prot)
{
	if (mmap(at, npages * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
	    at)
		die("mmap");
}

/* (Re)build an engine's window exactly as laid out above. */
static void window_build(struct engine *e)
{
	char *w = e->win;

	map_fixed(w, WPAGES, PROT_READ | PROT_WRITE);
	munmap(w + P_HOLE1 * PG, PG);
	map_fixed(w + P_RO * PG, 2, PROT_READ);
	map_fixed(w + P_NONE * PG, 1, PROT_NONE);
	if (ftruncate(e->shm, 0) || ftruncate(e->shm, 2 * PG))
		die("ftruncate");
	if (mmap(w + P_SHM * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 e->shm, 0) != w + P_SHM * PG)
		die("mmap shm");
	map_fixed(w + P_RW2 * PG, 4, PROT_READ | PROT_WRITE);
	munmap(w + P_HOLE2 * PG, PG);
	map_fixed(w + P_RW3 * PG, 3, PROT_READ | PROT_WRITE);
	map_fixed(w + P_WO * PG, 1, PROT_WRITE);
	map_fixed(w + P_RW4 * PG, 3, PROT_READ | PROT_WRITE);
	/* Some pages present with known contents; others absent. */
	memset(w + 1 * PG, 0x11, PG);
	memset(w + 4 * PG, 0x44, PG);
	memset(w + (P_RW2 + 1) * PG, 0x55, PG);
	memset(w + (P_RW3 + 2) * PG, 0x66, PG);
	(void)*(volatile char *)(w + (P_RO + 1) * PG);	/* zero page */
	memset(w + P_SHM * PG, 0x77, PG);
}

/*
 * The holes are one page: a one-page mmap() of anybody in this process
 * (the sanitizer runtimes allocate that way) can land in one, and then the
 * window is not what the input was run against.  Such a run proves
 * nothing; the window moves before the next input (window_check()).
 */
static bool hole_taken(const struct engine *e)
{
	return msync(e->win + P_HOLE1 * PG, PG, MS_ASYNC) == 0 ||
	       msync(e->win + P_HOLE2 * PG, PG, MS_ASYNC) == 0;
}

static bool holes_disturbed(void)
{
	return hole_taken(&eng[0]) || hole_taken(&eng[1]);
}

/*
 * Low memory for the harness's own mappings, below the sanitizers' shadow
 * and everybody's top-down mmap()s: the emulated REGISTER reads
 * /proc/self/maps (and, for a read-only shared VMA, /proc/self/smaps) up
 * to the range it registers, so a window at the top of the address space
 * made every input walk the whole process (ASan's shadow included), which
 * was half the fuzzer's time.  Falls back to anywhere when it runs out.
 */
#define LOW_BASE	0x10000000UL
#define LOW_END		0x70000000UL

static char *low_map(size_t len, int prot)
{
	static uintptr_t next = LOW_BASE;
	char *r;

	while (next + len <= LOW_END) {
		r = mmap((void *)next, len, prot,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			 MAP_FIXED_NOREPLACE, -1, 0);
		next += len;
		if (r != MAP_FAILED)
			return r;
	}
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
}

/* A fresh window with guard reservations on both sides. */
static void window_place(struct engine *e)
{
	char *r = low_map((WPAGES + 32) * PG, PROT_NONE);

	if (r == MAP_FAILED)
		die("mmap reservation");
	e->win = r + 16 * PG;
}

/*
 * If somebody's mapping took a hole, leave it there and move the window:
 * unmap ours around it, take a new place.
 */
static void window_check(struct engine *e)
{
	char *r = e->win - 16 * PG;

	if (!hole_taken(e))
		return;
	munmap(r, (16 + P_HOLE1) * PG);
	munmap(e->win + (P_HOLE1 + 1) * PG, (P_HOLE2 - P_HOLE1 - 1) * PG);
	munmap(e->win + (P_HOLE2 + 1) * PG, (WPAGES - P_HOLE2 - 1 + 16) * PG);
	window_place(e);
}

static void setup(void)
{
	int i;

	strict = getenv("FUZZ_STRICT") && atoi(getenv("FUZZ_STRICT"));
	verbose = getenv("FUZZ_VERBOSE") && atoi(getenv("FUZZ_VERBOSE"));
	for (i = 0; i < 2; i++) {
		struct engine *e = &eng[i];
		char *r;
		int fd = uffd_open_engine(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY,
					  e->kind);
		struct uffdio_api api = { .api = UFFD_API };

		if (fd < 0) {
			fprintf(stderr, "fuzz_ioctl: the %s engine is unavailable: %s\n",
				e->name, uffd_diagnostic());
			exit(77);
		}
		if (uffd_ioctl(fd, UFFDIO_API, &api))
			die("UFFDIO_API");
		if (e->kind == UFFD_ENGINE_EMULATED)
			emu_features_mask = api.features;
		close(fd);
		window_place(e);
		e->shm = memfd_create("fuzz-shm", MFD_CLOEXEC);
		if (e->shm < 0)
			die("memfd_create");
		window_build(e);
		/*
		 * Scratch page, PROT_NONE, read-only page, source page, and
		 * a PROT_NONE fence: what follows the source page must be the
		 * same for both engines.
		 */
		r = low_map(5 * PG, PROT_READ | PROT_WRITE);
		if (r == MAP_FAILED)
			die("mmap scratch");
		e->scratch = r;
		mprotect(r + PG, PG, PROT_NONE);
		mprotect(r + 4 * PG, PG, PROT_NONE);
		e->ro = r + 2 * PG;
		e->src = r + 3 * PG;
		memset(e->src, 0xc3, PG);
		e->fd = -1;
	}
}

/* pagemap entry of a page (present bit 63). */
static uint64_t pagemap(const void *p)
{
	static int fd = -1;
	uint64_t v = 0;

	if (fd < 0)
		fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pread(fd, &v, 8, (off_t)((uintptr_t)p / PG * 8)) != 8)
		return 0;
	return v;
}

static void mem_read(const void *p, void *out)
{
	static int fd = -1;

	if (fd < 0)
		fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	if (pread(fd, out, PG, (off_t)(uintptr_t)p) != (ssize_t)PG)
		memset(out, 0xee, PG);
}

/* ---- comparison ---------------------------------------------------------------- */

static const char *kind_name(enum op_kind k)
{
	static const char *n[] = { "API", "REGISTER", "UNREGISTER", "WAKE", "COPY",
				   "ZEROPAGE", "WRITEPROTECT", "CONTINUE", "POISON",
				   "MOVE", "BADCMD", "RAWCMD", "READ" };
	return k < OP_NKINDS ? n[k] : "?";
}

static void dump_op(int i, const struct op *op, const struct result *r)
{
	int k;

	fprintf(stderr, "  op %d %s request %#lx arg %d/%u:", i, kind_name(op->kind),
		op->request, op->arg, op->arg_off);
	for (k = 0; k < (int)(op->size ? op->size : 0); k += 8) {
		uint64_t v;

		memcpy(&v, r[0].before + k, 8);
		fprintf(stderr, " %#" PRIx64, v);
	}
	for (k = 0; k < op->naddr; k++)
		fprintf(stderr, " [@%u %s %#" PRIx64 "]", op->addr[k].off,
			op->addr[k].val.win ? "win+" : "abs", op->addr[k].val.v);
	fprintf(stderr, "\n    emulated: %ld %s   kernel: %ld %s\n", r[0].ret,
		r[0].err ? strerrorname_np(r[0].err) : "", r[1].ret,
		r[1].err ? strerrorname_np(r[1].err) : "");
}

static void diverged(const char *what, int i, const struct op *op,
		     const struct result *r)
{
	if (holes_disturbed())
		return;
	fprintf(stderr, "fuzz_ioctl: DIVERGENCE (%s)\n", what);
	dump_op(i, op, r);
	abort();
}

static void compare(int i, const struct op *op, struct result *r)
{
	size_t k, n = op->size ? op->size : 48;

	if (r[0].ret != r[1].ret || r[0].err != r[1].err)
		diverged("return value or errno", i, op, r);
	if (!r[0].have_after)
		return;
	if (op->kind == OP_API && r[0].ret == 0) {
		uint64_t f;

		memcpy(&f, r[0].after + 8, 8);
		if (f != emu_features_mask)
			diverged("UFFDIO_API features", i, op, r);
	}
	for (k = 0; k < n; k++) {
		bool ch0 = r[0].after[k] != r[0].before[k];
		bool ch1 = r[1].after[k] != r[1].before[k];
		bool is_addr = false;
		int a;

		for (a = 0; a < op->naddr; a++)
			if (k >= op->addr[a].off && k < op->addr[a].off + 8u)
				is_addr = true;
		/*
		 * By design, a successful UFFDIO_API reports each engine's own
		 * features (docs/emulated-engine.md): checked separately.
		 */
		if (op->kind == OP_API && r[0].ret == 0 && k >= 8 && k < 16)
			continue;
		if (ch0 != ch1 || (!is_addr && r[0].after[k] != r[1].after[k])) {
			fprintf(stderr, "fuzz_ioctl: byte %zu: emulated %#x -> %#x, "
				"kernel %#x -> %#x\n", k, r[0].before[k], r[0].after[k],
				r[1].before[k], r[1].after[k]);
			diverged("argument write-back", i, op, r);
		}
	}
}

static void compare_memory(void)
{
	static uint8_t a[PG], b[PG];
	int p;

	if (holes_disturbed())
		return;
	for (p = 0; p < WPAGES; p++) {
		uint64_t m0 = pagemap(eng[0].win + p * PG), m1 = pagemap(eng[1].win + p * PG);
		bool p0 = m0 >> 63, p1 = m1 >> 63;

		/*
		 * Shmem pages: the page cache is compared through the memfds,
		 * and the mapping's presence below like any page's (K7, fixed:
		 * the engine maps a filled page at once, as the kernel does).
		 */
		if (p == P_SHM || p == P_SHM + 1) {
			if (pread(eng[0].shm, a, PG, (off_t)(p - P_SHM) * PG) != (ssize_t)PG ||
			    pread(eng[1].shm, b, PG, (off_t)(p - P_SHM) * PG) != (ssize_t)PG)
				die("pread shm");
			if (memcmp(a, b, PG)) {
				fprintf(stderr, "fuzz_ioctl: DIVERGENCE (memory): shmem page "
					"%d contents differ\n", p - P_SHM);
				abort();
			}
		}
		if (p0 != p1) {
			fprintf(stderr, "fuzz_ioctl: DIVERGENCE (memory): window page %d "
				"present: emulated %d, kernel %d\n", p, p0, p1);
			abort();
		}
		if (!p0)
			continue;
		mem_read(eng[0].win + p * PG, a);
		mem_read(eng[1].win + p * PG, b);
		if (memcmp(a, b, PG)) {
			fprintf(stderr, "fuzz_ioctl: DIVERGENCE (memory): window page %d "
				"contents differ (emulated %#x.., kernel %#x..)\n", p, a[0],
				b[0]);
			abort();
		}
	}
}

/* ---- the target ---------------------------------------------------------------- */

static int run_input(const uint8_t *data, size_t size)
{
	static bool ready;
	struct in in = { data, size };
	struct op ops[MAX_OPS];
	struct result r[2];
	int nops = 0, i, e;
	bool poisoned = false, wp_applied = false, wp_dormant = false;
	uint8_t flags;

	if (!ready) {
		setup();
		ready = true;
	}
	flags = in_u8(&in);
	while (in.n && nops < MAX_OPS)
		decode_op(&in, &ops[nops++]);

	for (e = 0; e < 2; e++) {
		eng[e].fd = uffd_open_engine(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY,
					     eng[e].kind);
		if (eng[e].fd < 0)
			die("uffd_open_engine");
		/* Most programs start initialised: the gate is tested by op 0. */
		if (flags & 2) {
			struct uffdio_api api = { .api = UFFD_API,
						  .features = flags & 4 ?
						  UFFD_FEATURE_WP_UNPOPULATED : 0 };

			if (uffd_ioctl(eng[e].fd, UFFDIO_API, &api))
				die("UFFDIO_API");
		}
	}
	for (i = 0; i < nops; i++) {
		if (ops[i].skip)
			continue;
		/*
		 * K11: the kernel keeps POISON markers after UNREGISTER (a
		 * later access, or an ioctl argument read from the page,
		 * faults); the emulated engine drops them with the
		 * registration.  After a POISON, no UNREGISTER.
		 */
		if (poisoned && ops[i].kind == OP_UNREGISTER && !strict)
			continue;
		/*
		 * K21: write protection left dormant by a REGISTER without WP
		 * mode survives UNREGISTER in the kernel (a later WP
		 * registration finds those pages protected); the emulated
		 * engine drops it with the registration.  After protection
		 * may have been applied and then a REGISTER without WP mode,
		 * no UNREGISTER.
		 */
		if (wp_dormant && ops[i].kind == OP_UNREGISTER && !strict)
			continue;
		for (e = 0; e < 2; e++)
			run_op(&eng[e], &ops[i], &r[e]);
		if (verbose)
			dump_op(i, &ops[i], r);
		compare(i, &ops[i], r);
		if (ops[i].kind == OP_POISON)
			poisoned = true;	/* some pages may be, even on error */
		if (ops[i].kind == OP_WRITEPROTECT || ops[i].kind == OP_COPY ||
		    ops[i].kind == OP_CONTINUE)
			wp_applied = true;
		if (ops[i].kind == OP_REGISTER && wp_applied) {
			uint64_t mode;

			memcpy(&mode, ops[i].raw + 16, sizeof(mode));
			if (!(mode & UFFDIO_REGISTER_MODE_WP))
				wp_dormant = true;
		}
	}
	compare_memory();
	for (e = 0; e < 2; e++) {
		close(eng[e].fd);
		eng[e].fd = -1;
		window_check(&eng[e]);
		window_build(&eng[e]);
	}
	return 0;
}

/*
 * Inputs run on a thread of their own, not on the main thread.  When an
 * ioctl argument faults, the engine's SIGSEGV handler (on its alternate
 * stack) siglongjmp()s, and ASan then looks the thread's stack up with
 * pthread_getattr_np(), which for the main thread reads and parses all of
 * /proc/self/maps: a quarter of the fuzzer's time.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	const uint8_t *data;
	size_t size;
	enum { R_IDLE, R_POSTED, R_DONE } state;
} runner = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, R_IDLE };

static void *runner_main(void *arg)
{
	pthread_mutex_lock(&runner.lock);
	for (;;) {
		while (runner.state != R_POSTED)
			pthread_cond_wait(&runner.cv, &runner.lock);
		pthread_mutex_unlock(&runner.lock);
		run_input(runner.data, runner.size);
		pthread_mutex_lock(&runner.lock);
		runner.state = R_DONE;
		pthread_cond_broadcast(&runner.cv);
	}
	return arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool started;

	if (!started) {
		pthread_t t;

		errno = pthread_create(&t, NULL, runner_main, NULL);
		if (errno)
			die("pthread_create");
		started = true;
	}
	pthread_mutex_lock(&runner.lock);
	runner.data = data;
	runner.size = size;
	runner.state = R_POSTED;
	pthread_cond_broadcast(&runner.cv);
	while (runner.state != R_DONE)
		pthread_cond_wait(&runner.cv, &runner.lock);
	runner.state = R_IDLE;
	pthread_mutex_unlock(&runner.lock);
	return 0;
}
