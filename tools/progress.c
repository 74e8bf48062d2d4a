/* SPDX-License-Identifier: MIT */
/* Progress bars on stderr (see progress.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "progress.h"

#define WIDTH 28

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, const char *label, uint64_t total)
{
	p->label = label;
	p->total = total ? total : 1;
	p->t0 = now();
	p->last = 0;
	p->tty = isatty(2);
	progress_update(p, 0);
}

static void line(struct progress *p, uint64_t done, double t, const char *end)
{
	int i, fill = (int)(done * WIDTH / p->total);
	double secs = t - p->t0;

	fprintf(stderr, "\r%-11s [", p->label);
	for (i = 0; i < WIDTH; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %3d%%  %llu/%llu MiB", (int)(done * 100 / p->total),
		(unsigned long long)(done >> 20), (unsigned long long)(p->total >> 20));
	if (secs > 0.05)
		fprintf(stderr, "  %.0f MiB/s", (double)done / 1048576.0 / secs);
	fprintf(stderr, "\033[K%s", end);
	fflush(stderr);
}

void progress_update(struct progress *p, uint64_t done)
{
	double t;

	if (!p->tty)
		return;
	t = now();
	if (done < p->total && t - p->last < 0.1)
		return;
	p->last = t;
	line(p, done, t, "");
}

void progress_done(struct progress *p, uint64_t done)
{
	double t = now();

	if (p->tty)
		line(p, done, t, "\n");
	else
		fprintf(stderr, "%s: %llu MiB in %.2f s (%.0f MiB/s)\n", p->label,
			(unsigned long long)(done >> 20), t - p->t0,
			(double)done / 1048576.0 / (t - p->t0 > 0 ? t - p->t0 : 1e-9));
}
