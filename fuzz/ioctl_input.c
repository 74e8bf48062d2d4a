/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ioctl's input decoding: the bytes of an input become operations
 * (ioctls with their structs, argument placements, reads), with address
 * fields relative to the windows so that nothing can reach memory outside
 * them (fuzz_ioctl.c says why).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/ioctl.h>
#include "ioctl_fuzz.h"

/* ---- input decoding ------------------------------------------------------- */


uint8_t in_u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t u16(struct in *in)
{
	return (uint16_t)(in_u8(in) | in_u8(in) << 8);
}

static uint64_t u64(struct in *in)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)in_u8(in) << (8 * i);
	return v;
}


static struct val gen_addr(struct in *in)
{
	uint8_t sel = in_u8(in) % 16;
	struct val r = { true, 0 };

	switch (sel) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
		r.v = (uint64_t)(in_u8(in) % WPAGES) * PG;
		break;
	case 8:
		r.v = (uint64_t)(in_u8(in) % WPAGES) * PG + u16(in) % PG;
		break;
	case 9:
		r.v = (uint64_t)WPAGES * PG;	/* the window's end */
		break;
	case 10:
		r.win = false;
		r.v = (uint64_t)(in_u8(in) % 16) * PG;	/* below mmap_min_addr */
		break;
	case 11:
		r.win = false;
		r.v = TASK_SIZE - (uint64_t)(in_u8(in) % 3) * PG;
		break;
	case 12: {
		static const uint64_t special[] = {
			0, 1, PG - 1, TASK_SIZE, TASK_SIZE + PG, 1ULL << 47,
			1ULL << 63, ~0ULL, ~0ULL - PG + 1, 0xffffffffff600000ULL,
			0x8000000000000000ULL - PG,
		};
		r.win = false;
		r.v = special[in_u8(in) % (sizeof(special) / sizeof(special[0]))];
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
	uint8_t sel = in_u8(in) % 10;

	switch (sel) {
	case 0: case 1: case 2: case 3: case 4:
		return (uint64_t)(1 + in_u8(in) % 4) * PG;
	case 5:
		return (uint64_t)(1 + in_u8(in) % WPAGES) * PG;
	case 6:
		return 0;
	case 7:
		return u16(in);				/* mostly misaligned */
	case 8:
		return (uint64_t)(1 + in_u8(in) % WPAGES) * PG + (in_u8(in) % 2 ? 1 : PG / 2);
	default:
		return u64(in) | (in_u8(in) & 1);		/* huge or misaligned */
	}
}

static uint64_t gen_mode(struct in *in)
{
	uint8_t sel = in_u8(in) % 8;

	if (sel < 6)
		return in_u8(in) % 8;
	if (sel == 6)
		return (uint64_t)1 << (in_u8(in) % 64);
	return u64(in);
}

/* ---- one operation -------------------------------------------------------- */

void put64(uint8_t *b, size_t off, uint64_t v)
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

void decode_op(struct in *in, struct op *op)
{
	struct val a, b;
	uint64_t len;

	memset(op, 0, sizeof(*op));
	op->kind = (enum op_kind)(in_u8(in) % OP_NKINDS);
	switch (op->kind) {
	case OP_API: {
		uint64_t f = u64(in);

		op->request = UFFDIO_API;
		op->size = sizeof(struct uffdio_api);
		put64(op->raw, 0, in_u8(in) % 8 ? UFFD_API : u64(in));
		/* Only features the emulated engine has, or no engine has. */
		if (in_u8(in) % 4)
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
		put64(op->raw, 16, in_u8(in) % 4 ? 1u + in_u8(in) % 3u : gen_mode(in));
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
		if (op->kind == OP_COPY && in_u8(in) % 4 == 0)
			b = (struct val){ true, SRC_PAGE };
		else
			b = gen_addr(in);
		len = gen_len(in);
		add_addr(op, 0, a);
		add_addr(op, 8, b);
		put64(op->raw, 16, len);
		put64(op->raw, 24, gen_mode(in) & (in_u8(in) % 4 ? 3 : ~0ULL));
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
		put64(op->raw, 16, gen_mode(in) & (in_u8(in) % 4 ? 3 : ~0ULL));
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
		put64(op->raw, 16, gen_mode(in) & (in_u8(in) % 4 ? 3 : ~0ULL));
		op->skip = !range_safe(a, len, true);
		break;
	case OP_BADCMD: {
		/* A uffd ioctl number with the wrong size or direction. */
		static const unsigned int dirs[] = { _IOC_NONE, _IOC_READ, _IOC_WRITE,
						     _IOC_READ | _IOC_WRITE };
		unsigned int nr = in_u8(in) % 4 ? in_u8(in) % 10 : in_u8(in);

		op->request = _IOC(dirs[in_u8(in) % 4], UFFDIO, nr, in_u8(in) % 64);
		op->size = 48;
		memcpy(op->raw, (uint8_t[48]){ 0 }, 48);
		op->raw[0] = in_u8(in);
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
		op->read_count = in_u8(in) % 4 ? (size_t)(in_u8(in) % 4) * 32 + (in_u8(in) % 2) * 7 :
				 u16(in);
		break;
	default:
		break;
	}
	{
		uint8_t s = in_u8(in) % 16;

		op->arg = s < 9 ? ARG_SCRATCH : s == 9 ? ARG_NULL : s == 10 ? ARG_RO :
			  s == 11 || s == 12 ? ARG_STRADDLE : s == 13 || s == 14 ? ARG_WIN :
			  ARG_UNMAPPED;
		if (op->arg == ARG_STRADDLE) {
			op->arg_off = in_u8(in) % (op->size ? op->size : 48);
		}
		if (op->arg == ARG_WIN)
			op->arg_off = (unsigned int)(in_u8(in) % WPAGES) * PG + in_u8(in) % 64 * 8;
	}
}

