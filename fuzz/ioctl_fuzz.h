/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ioctl: what the input decoding (ioctl_input.c) and the runner
 * (fuzz_ioctl.c) share -- the windows of memory the operations act on,
 * and the operations themselves.
 */
#ifndef UFFD_FUZZ_IOCTL_H
#define UFFD_FUZZ_IOCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

extern struct engine eng[2];
/* Feature bits the emulated engine offers (masked into UFFDIO_API). */
extern uint64_t emu_features_mask;

/* ---- input decoding (ioctl_input.c) ---------------------------------------- */

struct in {
	const uint8_t *p;
	size_t n;
};
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

uint8_t in_u8(struct in *in);
void put64(uint8_t *b, size_t off, uint64_t v);
/* The next operation of an input. */
void decode_op(struct in *in, struct op *op);

#endif
