/* SPDX-License-Identifier: MIT */
/*
 * Adaptive spinning.  A sleeping wake-up across CPUs costs 20-40 us on the
 * machines this was measured on -- more than the rest of a fault's round
 * trip.  Both sides of a round trip may therefore spin briefly instead of
 * sleeping, but only when it is likely to pay and never for long:
 *
 *  - a faulting thread spins for about twice the recent round-trip time
 *    (at least 10 us, at most 150 us), then sleeps in futex_wait -- but
 *    only when its fault is the only one outstanding on the uffd: behind
 *    others it would wait several service times, spinning the whole while;
 *  - a reader (poll() or a blocking read() on the uffd) spins only while
 *    messages arrive back to back: when the moving average of the gaps
 *    between arrivals is below 50 us, for at most twice that average;
 *  - nobody spins on a single CPU, where it only delays the other side, and
 *    at most ncpus threads spin at once (faulters and readers alike).
 *
 * The faulter's spin time, hits and sleeps are counted per context.
 */
#define _GNU_SOURCE
#include "emu.h"
#include "sys.h"

int emu_ncpus = 1;
static _Atomic int spinning;

/* A place among the spinners, or false: then sleep at once. */
bool spin_enter(void)
{
	int n = atomic_fetch_add_explicit(&spinning, 1, memory_order_acq_rel);

	if (n < emu_ncpus)
		return true;
	atomic_fetch_sub_explicit(&spinning, 1, memory_order_relaxed);
	return false;
}

void spin_leave(void)
{
	atomic_fetch_sub_explicit(&spinning, 1, memory_order_release);
}

#define FAULTER_MIN_NS	10000
#define FAULTER_MAX_NS	150000
#define READER_GAP_NS	50000

uint64_t spin_budget_faulter(struct emu_ctx *ctx)
{
	uint64_t b;

	if (emu_ncpus < 2 ||
	    atomic_load_explicit(&ctx->sh->outstanding, memory_order_relaxed) > 1)
		return 0;
	b = 2 * atomic_load_explicit(&ctx->rtt_ns, memory_order_relaxed);
	if (b < FAULTER_MIN_NS)
		b = FAULTER_MIN_NS;
	return b > FAULTER_MAX_NS ? FAULTER_MAX_NS : b;
}

uint64_t spin_budget_reader(struct emu_ctx *ctx)
{
	struct emu_shared *sh = ctx->sh;
	uint64_t gap, last;

	if (emu_ncpus < 2)
		return 0;
	gap = atomic_load_explicit(&sh->gap_ns, memory_order_relaxed);
	last = atomic_load_explicit(&sh->last_publish_ns, memory_order_relaxed);
	if (!last || gap >= READER_GAP_NS || now_ns() - last > 4 * READER_GAP_NS)
		return 0;
	return 2 * gap > READER_GAP_NS ? READER_GAP_NS : 2 * gap + 2000;
}

/* Async-signal-safe: called by the faulter as it publishes. */
void spin_note_publish(struct emu_ctx *ctx)
{
	struct emu_shared *sh = ctx->sh;
	uint64_t now = now_ns();
	uint64_t last = atomic_exchange_explicit(&sh->last_publish_ns, now,
						 memory_order_relaxed);
	uint64_t gap, avg;

	if (!last || now < last)
		return;
	gap = now - last;
	if (gap > 10 * READER_GAP_NS)
		gap = 10 * READER_GAP_NS;
	avg = atomic_load_explicit(&sh->gap_ns, memory_order_relaxed);
	atomic_store_explicit(&sh->gap_ns, avg - avg / 4 + gap / 4,
			      memory_order_relaxed);
}

/* Spin up to @budget ns until one of @n contexts has a message pending. */
bool spin_for_message(struct emu_ctx **ctx, int n, uint64_t budget)
{
	uint64_t t0;
	int i, k;

	if (!budget || !spin_enter())
		return false;
	t0 = now_ns();
	do {
		for (i = 0; i < n; i++)
			if (ctx[i] && atomic_load_explicit(&ctx[i]->sh->pending,
							   memory_order_acquire)) {
				spin_leave();
				return true;
			}
		for (k = 0; k < 32; k++)
			cpu_relax();
	} while (now_ns() - t0 < budget);
	spin_leave();
	return false;
}
