/* SPDX-License-Identifier: MIT */
/*
 * Adaptive spinning.  A sleeping wake-up across CPUs costs 20-40 us on the
 * machines this was measured on -- more than the rest of a fault's round
 * trip.  Both sides of a round trip may therefore spin briefly instead of
 * sleeping, but only when it is likely to pay and never for long:
 *
 *  - a faulting thread spins up to a limit learnt from outcomes: a spin
 *    that ends with the fault resolved moves the limit towards twice the
 *    time it took (at most 150 us); one that ends in futex_wait anyway
 *    halves it; once it is below 10 us only every 16th fault probes with a
 *    short spin.  And only when its fault is the only one outstanding on
 *    the uffd: behind others it would wait several service times;
 *  - a reader (poll() or a blocking read() on the uffd) spins only while
 *    messages arrive back to back: when the moving average of the gaps
 *    between arrivals is below 50 us, for at most twice that average;
 *  - nobody spins on a single CPU (or when pinned to one), where it only
 *    delays the other side, nor while the host has more runnable threads
 *    than CPUs: then a spinner takes the time slice the thread it waits for
 *    needs (the kernel's nr_running, from /proc/loadavg, looked at every
 *    10 ms at most); and
 *    at most ncpus threads spin at once (faulters and readers alike).
 *
 * The faulter's spin time, hits and sleeps are counted per context.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include "emu/emu.h"
#include "base/real.h"
#include "base/sys.h"

int emu_ncpus = 1;
static _Atomic int spinning;

/*
 * CPUs this thread may run on, looked up again every 1024 calls: a thread
 * pinned to one CPU must not spin (whoever it waits for may need that CPU).
 */
static __attribute__((tls_model("initial-exec"))) __thread int aff_cpus;
static __attribute__((tls_model("initial-exec"))) __thread unsigned int aff_age;

/*
 * Is there a CPU for the other side?  The kernel's count of runnable
 * threads (/proc/loadavg, fourth field "running/total") is sampled by the
 * first caller after 10 ms -- from a signal handler too: pread() and
 * integer parsing only -- and averaged (3/4 old, 1/4 new, in sixteenths),
 * so that one thread passing through does not stop spinning for good.
 * With more runnable threads than CPUs, whatever we would wait for
 * competes for a CPU, and a spinner only takes its time.  Our own
 * spinners count as runnable: two of them on two CPUs are not "busy".
 */
#define LOAD_PERIOD_NS	10000000ULL

static _Atomic uint64_t load_next;	/* when to look again */
static _Atomic uint32_t load_avg16;	/* runnable threads x 16, averaged */

static bool host_busy(void)
{
	static struct proc_fd loadavg;
	uint64_t now = now_ns(), next = atomic_load_explicit(&load_next,
							      memory_order_relaxed);
	uint32_t avg;
	char buf[128];
	int fd, field = 0;
	long running = 0;
	ssize_t n, i;

	if (now >= next && atomic_compare_exchange_strong(&load_next, &next,
							  now + LOAD_PERIOD_NS)) {
		fd = proc_fd_get(&loadavg, "/proc/loadavg", O_RDONLY);
		n = fd < 0 ? -1 : real_pread(fd, buf, sizeof(buf) - 1, 0);
		for (i = 0; i < n && field < 4; i++) {
			if (buf[i] == ' ')
				field++;
			else if (field == 3 && buf[i] >= '0' && buf[i] <= '9')
				running = running * 10 + (buf[i] - '0');
			else if (field == 3)
				break;
		}
		if (n > 0 && running > 0) {
			avg = atomic_load_explicit(&load_avg16, memory_order_relaxed);
			if (!avg)
				avg = (uint32_t)running * 16;
			avg = avg - avg / 4 + (uint32_t)running * 4;
			atomic_store_explicit(&load_avg16, avg, memory_order_relaxed);
		}
	}
	avg = atomic_load_explicit(&load_avg16, memory_order_relaxed);
	return avg > (uint32_t)emu_ncpus * 16 + 8;
}

static bool may_spin(void)
{
	if (emu_ncpus < 2 || host_busy())
		return false;
	if (!aff_cpus || !(++aff_age & 1023)) {
		cpu_set_t set;

		CPU_ZERO(&set);
		aff_cpus = sched_getaffinity(0, sizeof(set), &set) ? emu_ncpus :
			   CPU_COUNT(&set);
	}
	return aff_cpus > 1;
}

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
#define READER_GAP_NS	200000

uint64_t spin_budget_faulter(struct emu_ctx *ctx)
{
	uint64_t b;

	if (!may_spin() ||
	    atomic_load_explicit(&ctx->sh->outstanding, memory_order_relaxed) > 1)
		return 0;
	b = atomic_load_explicit(&ctx->spin_limit_ns, memory_order_relaxed);
	if (b >= FAULTER_MIN_NS)
		return b;
	/* Spinning stopped paying: probe now and then. */
	return (atomic_fetch_add_explicit(&ctx->spin_probe, 1,
					  memory_order_relaxed) & 15) ?
	       0 : FAULTER_MIN_NS;
}

/*
 * Learn from one wait: @t ns until resolved, @hit if it came while spinning,
 * @spun if this wait spun at all.  A spin that missed halves the limit.  A
 * wait resolved within FAULTER_MAX_NS -- spun or slept -- moves the limit
 * towards twice its time: a sleeper's time includes its wake-up, so
 * spinning that long would have caught it.  Without the second rule a
 * handler that sleeps is never given the chance to answer a spinner, and
 * both sides stay in the slow state for good.
 */
void spin_learn_faulter(struct emu_ctx *ctx, uint64_t t, bool hit, bool spun)
{
	uint64_t lim = atomic_load_explicit(&ctx->spin_limit_ns, memory_order_relaxed);

	if (spun && !hit) {
		lim /= 2;
	} else if (t < FAULTER_MAX_NS) {
		uint64_t want = 2 * t < FAULTER_MAX_NS ? 2 * t : FAULTER_MAX_NS;

		if (want < FAULTER_MIN_NS)
			want = FAULTER_MIN_NS;
		lim = want > lim ? lim + (want - lim) / 4 : lim - (lim - want) / 8;
	} else {
		return;
	}
	atomic_store_explicit(&ctx->spin_limit_ns, lim, memory_order_relaxed);
}

uint64_t spin_budget_reader(struct emu_ctx *ctx)
{
	struct emu_shared *sh = ctx->sh;
	uint64_t gap, last;

	if (!may_spin())
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
