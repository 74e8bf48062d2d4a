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
 * Without libFuzzer (-DFUZZ_STANDALONE) it runs the files given on the
 * command line, for replaying a corpus under valgrind or gdb.
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
#include "uffd.h"

#define PG		4096UL
#define TASK_SIZE	0x7ffffffff000ULL
#define WPAGES		24		/* pages in a window */
#define MAX_OPS		12
#define SRC_PAGE	(~0ULL)		/* window value naming the source page */

/*
 * Window layout (page index: what).  The holes are fenced on both sides so
 * that no allocation of more than a page can land in them; the window
 * itself is surrounded by PROT_NONE guard reservations.
 */
enum { P_RW0 = 0, P_RW_N = 6,		/* 0-5: anon RW, one VMA */
       P_HOLE1 = 6,			/* 6: hole */
       P_RO = 7,			/* 7-8: anon PROT_READ */
       P_NONE = 9,			/* 9: anon PROT_NONE */
       P_SHM = 10,			/* 10-11: shmem MAP_SHARED RW */
       P_RW2 = 12,			/* 12-15: anon RW, second VMA (after shmem) */
       P_HOLE2 = 16,			/* 16: hole */
       P_RW3 = 17,			/* 17-19: anon RW */
       P_WO = 20,			/* 20: anon PROT_WRITE only */
       P_RW4 = 21 };			/* 21-23: anon RW */

struct engine {
	const char *name;
	enum uffd_engine_kind kind;
	char *win;			/* the window */
	char *scratch;			/* RW page, followed by a PROT_NONE page */
	char *ro;			/* read-only page for arguments */
	char *src;			/* RW source page for COPY */
	int shm;			/* memfd behind the shmem pages */
	int fd;
};

static struct engine eng[2] = {
	{ .name = "emulated", .kind = UFFD_ENGINE_EMULATED },
	{ .name = "kernel", .kind = UFFD_ENGINE_KERNEL },
};
static bool strict, verbose;
static uint64_t emu_features_mask;

/* ---- input decoding ------------------------------------------------------- */

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t u16(struct in *in)
{
	return (uint16_t)(u8(in) | u8(in) << 8);
}

static uint64_t u64(struct in *in)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)u8(in) << (8 * i);
	return v;
}

/*
 * A value of an address field: V_WIN values are offsets into the window,
 * translated per engine; V_ABS values are used as they are (and are chosen
 * so that a range starting there can never reach mapped memory, or fails
 * validation).
 */
struct val {
	bool win;
	uint64_t v;
};

static struct val gen_addr(struct in *in)
{
	uint8_t sel = u8(in) % 16;
	struct val r = { true, 0 };

	switch (sel) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
		r.v = (uint64_t)(u8(in) % WPAGES) * PG;
		break;
	case 8:
		r.v = (uint64_t)(u8(in) % WPAGES) * PG + u16(in) % PG;
		break;
	case 9:
		r.v = (uint64_t)WPAGES * PG;	/* the window's end */
		break;
	case 10:
		r.win = false;
		r.v = (uint64_t)(u8(in) % 16) * PG;	/* below mmap_min_addr */
		break;
	case 11:
		r.win = false;
		r.v = TASK_SIZE - (uint64_t)(u8(in) % 3) * PG;
		break;
	case 12: {
		static const uint64_t special[] = {
			0, 1, PG - 1, TASK_SIZE, TASK_SIZE + PG, 1ULL << 47,
			1ULL << 63, ~0ULL, ~0ULL - PG + 1, 0xffffffffff600000ULL,
			0x8000000000000000ULL - PG,
		};
		r.win = false;
		r.v = special[u8(in) % (sizeof(special) / sizeof(special[0]))];
		break;
	}
	default:
		/* Raw bits; anything that could name real memory is misaligned. */
		r.win = false;
		r.v = u64(in);
		if (r.v >= 16 * PG && r.v < TASK_SIZE)
			r.v |= 1;
		break;
	}
	return r;
}

static uint64_t gen_len(struct in *in)
{
	uint8_t sel = u8(in) % 10;

	switch (sel) {
	case 0: case 1: case 2: case 3: case 4:
		return (uint64_t)(1 + u8(in) % 4) * PG;
	case 5:
		return (uint64_t)(1 + u8(in) % WPAGES) * PG;
	case 6:
		return 0;
	case 7:
		return u16(in);				/* mostly misaligned */
	case 8:
		return (uint64_t)(1 + u8(in) % WPAGES) * PG + (u8(in) % 2 ? 1 : PG / 2);
	default:
		return u64(in) | (u8(in) & 1);		/* huge or misaligned */
	}
}

static uint64_t gen_mode(struct in *in)
{
	uint8_t sel = u8(in) % 8;

	if (sel < 6)
		return u8(in) % 8;
	if (sel == 6)
		return (uint64_t)1 << (u8(in) % 64);
	return u64(in);
}

/* ---- one operation -------------------------------------------------------- */

enum op_kind { OP_API, OP_REGISTER, OP_UNREGISTER, OP_WAKE, OP_COPY,
	       OP_ZEROPAGE, OP_WRITEPROTECT, OP_CONTINUE, OP_POISON, OP_MOVE,
	       OP_BADCMD, OP_RAWCMD, OP_READ, OP_NKINDS };

/* Argument placement. */
enum { ARG_SCRATCH, ARG_NULL, ARG_RO, ARG_STRADDLE, ARG_WIN, ARG_UNMAPPED };

struct field {
	uint8_t off;		/* byte offset in the struct */
	struct val val;
};

struct op {
	enum op_kind kind;
	unsigned long request;
	size_t size;			/* bytes of the struct */
	uint8_t raw[48];		/* the struct, address fields zero */
	struct field addr[3];		/* address fields to translate */
	int naddr;
	int arg;			/* ARG_* */
	unsigned int arg_off;		/* STRADDLE: bytes readable; WIN: offset */
	size_t read_count;
	bool skip;			/* could reach memory outside the windows */
};

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

static void add_addr(struct op *op, size_t off, struct val v)
{
	op->addr[op->naddr].off = (uint8_t)off;
	op->addr[op->naddr].val = v;
	op->naddr++;
	if (!v.win)
		put64(op->raw, off, v.v);
}

/*
 * Would the kernel accept this range (validate_range) and act on memory?
 * Such a range must lie in the window or in the unmappable low or top pages.
 */
static bool range_safe(struct val start, uint64_t len, bool aligned_only)
{
	int e;

	if (start.win && start.v == SRC_PAGE)
		return len <= PG;
	for (e = 0; e < 2; e++) {
		uint64_t s = start.win ? (uint64_t)(uintptr_t)eng[e].win + start.v : start.v;

		/* Fails validate_range / validate_unaligned_range: harmless. */
		if (!len || (len & (PG - 1)) || s >= TASK_SIZE || len > TASK_SIZE - s)
			continue;
		if (aligned_only && (s & (PG - 1)))
			continue;
		if (start.win) {
			if (start.v + len > (uint64_t)WPAGES * PG)
				return false;
		} else if (!(s + len <= 16 * PG || s >= TASK_SIZE - 4 * PG)) {
			return false;
		}
	}
	return true;
}

static void decode_op(struct in *in, struct op *op)
{
	struct val a, b;
	uint64_t len;

	memset(op, 0, sizeof(*op));
	op->kind = (enum op_kind)(u8(in) % OP_NKINDS);
	switch (op->kind) {
	case OP_API: {
		uint64_t f = u64(in);

		op->request = UFFDIO_API;
		op->size = sizeof(struct uffdio_api);
		put64(op->raw, 0, u8(in) % 8 ? UFFD_API : u64(in));
		/* Only features the emulated engine has, or no engine has. */
		if (u8(in) % 4)
			f &= emu_features_mask;
		else
			f &= emu_features_mask | ~(uint64_t)UFFD_ALL_FEATURES;
		put64(op->raw, 8, f);
		put64(op->raw, 16, u64(in));
		break;
	}
	case OP_REGISTER:
		op->request = UFFDIO_REGISTER;
		op->size = sizeof(struct uffdio_register);
		a = gen_addr(in);
		len = gen_len(in);
		add_addr(op, 0, a);
		put64(op->raw, 8, len);
		put64(op->raw, 16, u8(in) % 4 ? 1 + u8(in) % 3 : gen_mode(in));
		put64(op->raw, 24, u64(in));
		op->skip = !range_safe(a, len, true);
		break;
	case OP_UNREGISTER:
	case OP_WAKE:
		op->request = op->kind == OP_WAKE ? UFFDIO_WAKE : UFFDIO_UNREGISTER;
		op->size = sizeof(struct uffdio_range);
		a = gen_addr(in);
		len = gen_len(in);
		add_addr(op, 0, a);
		put64(op->raw, 8, len);
		op->skip = !range_safe(a, len, true);
		break;
	case OP_COPY:
	case OP_MOVE:
		op->request = op->kind == OP_COPY ? UFFDIO_COPY : UFFDIO_MOVE;
		op->size = sizeof(struct uffdio_copy);
		a = gen_addr(in);
		/* COPY's source: the window, the source page, or anything. */
		if (op->kind == OP_COPY && u8(in) % 4 == 0)
			b = (struct val){ true, SRC_PAGE };
		else
			b = gen_addr(in);
		len = gen_len(in);
		add_addr(op, 0, a);
		add_addr(op, 8, b);
		put64(op->raw, 16, len);
		put64(op->raw, 24, gen_mode(in) & (u8(in) % 4 ? 3 : ~0ULL));
		put64(op->raw, 32, u64(in));
		op->skip = op->skip || !range_safe(a, len, true) ||
			   (op->kind == OP_MOVE && !range_safe(b, len, true)) ||
			   (op->kind == OP_COPY && b.v != SRC_PAGE &&
			    !range_safe(b, len, false));
		break;
	case OP_ZEROPAGE:
	case OP_CONTINUE:
	case OP_POISON:
		op->request = op->kind == OP_ZEROPAGE ? UFFDIO_ZEROPAGE :
			      op->kind == OP_CONTINUE ? UFFDIO_CONTINUE : UFFDIO_POISON;
		op->size = 32;
		a = gen_addr(in);
		len = gen_len(in);
		add_addr(op, 0, a);
		put64(op->raw, 8, len);
		put64(op->raw, 16, gen_mode(in) & (u8(in) % 4 ? 3 : ~0ULL));
		put64(op->raw, 24, u64(in));
		op->skip = !range_safe(a, len, true);
		break;
	case OP_WRITEPROTECT:
		op->request = UFFDIO_WRITEPROTECT;
		op->size = sizeof(struct uffdio_writeprotect);
		a = gen_addr(in);
		len = gen_len(in);
		add_addr(op, 0, a);
		put64(op->raw, 8, len);
		put64(op->raw, 16, gen_mode(in) & (u8(in) % 4 ? 3 : ~0ULL));
		op->skip = !range_safe(a, len, true);
		break;
	case OP_BADCMD: {
		/* A uffd ioctl number with the wrong size or direction. */
		static const unsigned int dirs[] = { _IOC_NONE, _IOC_READ, _IOC_WRITE,
						     _IOC_READ | _IOC_WRITE };
		unsigned int nr = u8(in) % 4 ? u8(in) % 10 : u8(in);

		op->request = _IOC(dirs[u8(in) % 4], UFFDIO, nr, u8(in) % 64);
		op->size = 48;
		memcpy(op->raw, (uint8_t[48]){ 0 }, 48);
		op->raw[0] = u8(in);
		/* Never a real ioctl with a fuzzed struct: those are above. */
		switch (op->request) {
		case UFFDIO_API: case UFFDIO_REGISTER: case UFFDIO_UNREGISTER:
		case UFFDIO_WAKE: case UFFDIO_COPY: case UFFDIO_ZEROPAGE:
		case UFFDIO_WRITEPROTECT: case UFFDIO_CONTINUE: case UFFDIO_POISON:
		case UFFDIO_MOVE:
			op->request ^= 1UL << 16;	/* size off by one */
		}
		break;
	}
	case OP_RAWCMD: {
		uint32_t r = (uint32_t)u64(in);

		op->request = r;
		op->size = 48;
		switch (_IOC_TYPE(r) == UFFDIO ? r : 0) {
		case UFFDIO_API: case UFFDIO_REGISTER: case UFFDIO_UNREGISTER:
		case UFFDIO_WAKE: case UFFDIO_COPY: case UFFDIO_ZEROPAGE:
		case UFFDIO_WRITEPROTECT: case UFFDIO_CONTINUE: case UFFDIO_POISON:
		case UFFDIO_MOVE:
			op->request ^= 1UL << 20;
		}
		/* Generic requests (FIONREAD, TCGETS...) differ by design: uffd only. */
		if (_IOC_TYPE(op->request) != UFFDIO)
			op->request = (op->request & ~(0xffUL << 8)) | (UFFDIO << 8);
		break;
	}
	case OP_READ:
		op->size = 0;
		op->read_count = u8(in) % 4 ? (size_t)(u8(in) % 4) * 32 + (u8(in) % 2) * 7 :
				 u16(in);
		break;
	default:
		break;
	}
	{
		uint8_t s = u8(in) % 16;

		op->arg = s < 9 ? ARG_SCRATCH : s == 9 ? ARG_NULL : s == 10 ? ARG_RO :
			  s == 11 || s == 12 ? ARG_STRADDLE : s == 13 || s == 14 ? ARG_WIN :
			  ARG_UNMAPPED;
		if (op->arg == ARG_STRADDLE) {
			op->arg_off = u8(in) % (op->size ? op->size : 48);
		}
		if (op->arg == ARG_WIN)
			op->arg_off = (unsigned int)(u8(in) % WPAGES) * PG + u8(in) % 64 * 8;
	}
}

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
	flags = u8(&in);
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

#ifdef FUZZ_STANDALONE
int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		static uint8_t buf[1 << 16];
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("fuzz_ioctl: %d inputs, no divergence\n", argc - 1);
	return 0;
}
#endif
