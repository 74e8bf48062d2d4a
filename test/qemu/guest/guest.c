/* SPDX-License-Identifier: MIT */
/*
 * The guest of the QEMU post-copy tests (test/qemu/migrate.py): a
 * multiboot kernel that fills guest memory with a pattern, keeps
 * rewriting a hot part of it, checks everything, and reports on the
 * serial port (COM1).  No interrupts, no paging, no devices but COM1.
 *
 * Memory, from the kernel command line (-append), in MiB:
 *
 *	base=16 hot=16 cold=256 probes=1024
 *
 *	[base, base+hot)            hot:  rewritten with a new generation
 *	                                  after every cold slice
 *	[base+hot, base+hot+cold)   cold: written once, then only read
 *
 * A word at address A holds cold(A) = mix(A ^ COLD_SEED) in the cold
 * part, hot(A, G) = mix(A ^ G * HOT_STEP) in the hot part at generation
 * G.  The lines printed (one per event, '\n'-terminated):
 *
 *	guest: hot 16 MiB at 0x01000000, cold 256 MiB at 0x02000000
 *	filled cold 256 MiB
 *	pass 1 ok cold-sum 0x89abcdef hot-gen 16
 *	BAD at 0x0123abc0: 0x........ not 0x........ (cold|hot)
 *	pass 7 BAD 3 words cold-sum 0x........ hot-gen 112
 *
 * A pass first reads one word in each of @probes cold pages picked in a
 * scattered order (on a migration's destination, most of them have not
 * arrived yet: each is a page request), then reads every cold word (16 MiB
 * slices) and, after each slice, checks the hot part holds the last
 * generation while it writes the next.
 * The cold sum is a checksum of the cold part: the same on every pass,
 * on the migration's source and on its destination.
 */
#include <stdint.h>

#define COM1 0x3f8
#define MIB (1024u * 1024u)
#define SLICE (16u * MIB)
#define COLD_SEED 0x5eed1234u
#define HOT_STEP 0x9e3779b9u
#define BAD_SHOWN 8		/* BAD lines printed per pass, at most */

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;	/* KiB below 1 MiB (flags bit 0) */
	uint32_t mem_upper;	/* KiB above 1 MiB (flags bit 0) */
	uint32_t boot_device;
	uint32_t cmdline;	/* physical address (flags bit 2) */
};

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* divisor latch */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
}

static void put_char(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

static void put_str(const char *s)
{
	while (*s)
		put_char(*s++);
}

static void put_dec(uint32_t v)
{
	char buf[11];
	int i = 0;

	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		put_char(buf[--i]);
}

static void put_hex(uint32_t v)
{
	int i;

	put_str("0x");
	for (i = 28; i >= 0; i -= 4)
		put_char("0123456789abcdef"[(v >> i) & 15]);
}

/* The value of NAME=N in the command line, or @def. */
static uint32_t param(const char *cmdline, const char *name, uint32_t def)
{
	const char *p;

	for (p = cmdline; p && *p; p++) {
		const char *n = name, *q = p;
		uint32_t v = 0;

		if (p != cmdline && p[-1] != ' ')
			continue;
		while (*n && *q == *n) {
			n++;
			q++;
		}
		if (*n || *q != '=')
			continue;
		for (q++; *q >= '0' && *q <= '9'; q++)
			v = v * 10 + (uint32_t)(*q - '0');
		return v;
	}
	return def;
}

/* A 32-bit integer hash: every bit of the input moves every bit out. */
static inline uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

static inline uint32_t cold_word(uint32_t a)
{
	return mix(a ^ COLD_SEED);
}

static inline uint32_t hot_word(uint32_t a, uint32_t gen)
{
	return mix(a ^ (gen * HOT_STEP));
}

static uint32_t bad_words;

static void bad(uint32_t a, uint32_t got, uint32_t want, const char *part)
{
	if (bad_words++ >= BAD_SHOWN)
		return;
	put_str("BAD at ");
	put_hex(a);
	put_str(": ");
	put_hex(got);
	put_str(" not ");
	put_hex(want);
	put_str(" (");
	put_str(part);
	put_str(")\n");
}

/* Check one word in each of @probes cold pages, in a scattered order. */
static void probe_round(uint32_t lo, uint32_t pages, uint32_t probes, uint32_t pass)
{
	uint32_t k;

	for (k = 0; k < probes; k++) {
		uint32_t a = lo + (mix(k ^ (pass << 20)) % pages) * 4096 + (k % 1024) * 4;
		uint32_t got = *(volatile uint32_t *)a;

		if (got != cold_word(a))
			bad(a, got, cold_word(a), "cold");
	}
}

/* Check the hot part holds generation @gen and write generation @gen + 1. */
static void hot_round(uint32_t lo, uint32_t hi, uint32_t gen)
{
	volatile uint32_t *w;
	uint32_t a;

	for (a = lo; a < hi; a += 4) {
		w = (volatile uint32_t *)a;
		if (*w != hot_word(a, gen))
			bad(a, *w, hot_word(a, gen), "hot");
		*w = hot_word(a, gen + 1);
	}
}

void guest_main(uint32_t magic, const struct multiboot_info *mbi);

void guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	const char *cmdline = 0;
	uint32_t base, hot, cold, probes, hot_lo, cold_lo, cold_hi, a, s, pass, gen = 0;

	serial_init();
	if (magic != 0x2BADB002u) {
		put_str("guest: not started by a multiboot loader\n");
		return;
	}
	if (mbi->flags & 4)
		cmdline = (const char *)mbi->cmdline;
	base = param(cmdline, "base", 16);
	hot = param(cmdline, "hot", 16);
	cold = param(cmdline, "cold", 256);
	probes = param(cmdline, "probes", 1024);
	if (!(mbi->flags & 1) || base < 2 || !hot || !cold ||
	    base + hot + cold > 1 + mbi->mem_upper / 1024 || base + hot + cold > 3072) {
		put_str("guest: base+hot+cold MiB do not fit in the memory\n");
		return;
	}
	hot_lo = base * MIB;
	cold_lo = hot_lo + hot * MIB;
	cold_hi = cold_lo + cold * MIB;
	put_str("guest: hot ");
	put_dec(hot);
	put_str(" MiB at ");
	put_hex(hot_lo);
	put_str(", cold ");
	put_dec(cold);
	put_str(" MiB at ");
	put_hex(cold_lo);
	put_str("\n");

	for (a = cold_lo; a < cold_hi; a += 4)
		*(volatile uint32_t *)a = cold_word(a);
	for (a = hot_lo; a < cold_lo; a += 4)
		*(volatile uint32_t *)a = hot_word(a, 0);
	put_str("filled cold ");
	put_dec(cold);
	put_str(" MiB\n");

	for (pass = 1;; pass++) {
		uint32_t sum = 0;

		bad_words = 0;
		probe_round(cold_lo, cold * (MIB / 4096), probes, pass);
		for (s = cold_lo; s < cold_hi; s += SLICE) {
			uint32_t end = cold_hi - s < SLICE ? cold_hi : s + SLICE;

			for (a = s; a < end; a += 4) {
				uint32_t got = *(volatile uint32_t *)a;

				if (got != cold_word(a))
					bad(a, got, cold_word(a), "cold");
				sum = ((sum << 5) | (sum >> 27)) ^ got;
			}
			hot_round(hot_lo, cold_lo, gen++);
		}
		put_str("pass ");
		put_dec(pass);
		if (bad_words) {
			put_str(" BAD ");
			put_dec(bad_words);
			put_str(" words");
		} else {
			put_str(" ok");
		}
		put_str(" cold-sum ");
		put_hex(sum);
		put_str(" hot-gen ");
		put_dec(gen);
		put_str("\n");
	}
}
