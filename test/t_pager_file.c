/* SPDX-License-Identifier: MIT */
/*
 * Pager, file store: a 16 MiB image (every 5th page zero) restored into a
 * fresh region and checked word by word, four ways:
 *   demand only, pread store, two threads touching in random order;
 *   full prefetch, mmap store, application touching sequentially;
 *   two queues (userfaultfds) striped every 64 KiB, three workers;
 *   uffd_pager_complete() with nothing touched.
 * Every way: all pages present, demand + prefetch == pages, zero pages
 * went in with ZEROPAGE, the statistics add up.  Then the errors: a
 * missing image and a file that is not an image say so.
 */
#include "pager_util.h"

#define NPAGES 4096
#define ZERO_EVERY 5

struct toucher {
	const char *base;
	const size_t *order;
	size_t n;
	pthread_t t;
};

static void *touch_main(void *arg)
{
	struct toucher *t = arg;

	tp_touch(t->base, t->n, t->order);
	return NULL;
}

static void check_stats(struct uffd_pager *p, bool demand_only)
{
	struct uffd_pager_stats s;
	struct uffd_pager_thread th[16];
	uint64_t zeros = 0, i, hist = 0;
	int n, k, workers = 0;

	for (i = 0; i < NPAGES; i++)
		zeros += tp_is_zero(i, ZERO_EVERY);
	CHECK_OK(uffd_pager_stats(p, -1, &s));
	CHECK_EQ(s.pages, NPAGES);
	CHECK_EQ(s.present, NPAGES);
	CHECK_EQ(s.demand_pages + s.prefetch_pages, NPAGES);
	CHECK_EQ(s.zero_pages, zeros);
	CHECK_EQ(s.bytes, (NPAGES - zeros) * (uint64_t)t_page);
	CHECK_EQ(s.store_errors, 0);
	CHECK_EQ(s.lost_pages, 0);
	CHECK(s.complete_ns > 0);
	for (i = 0; i < UFFD_PAGER_HIST; i++)
		hist += s.lat_hist[i];
	CHECK_EQ(hist, s.faults);
	if (demand_only) {
		CHECK_EQ(s.prefetch_pages, 0);
		CHECK_EQ(s.demand_pages, NPAGES);
		CHECK(s.faults >= NPAGES);
	}
	n = uffd_pager_threads(p, th, 16);
	CHECK(n >= 2);
	for (k = 0; k < n && k < 16; k++) {
		CHECK(th[k].tid > 0);
		workers += th[k].kind == UFFD_THREAD_WORKER;
	}
	CHECK(workers >= 1);
}

int main(void)
{
	const char *img;
	struct uffd_pager *p;
	struct toucher t[2];
	size_t *order;
	char *m;
	int k;

	t_init(60);
	tp_require_engine();
	img = tp_path("image");
	tp_make_image(img, NPAGES, ZERO_EVERY);

	/* 1. Demand only, pread, two faulting threads in random order. */
	p = tp_pager(uffd_store_file_open(img, 0),
		     &(struct uffd_pager_config){ .flags = UFFD_PAGER_NO_PREFETCH });
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK_MSG(m, "uffd_pager_map: %s", uffd_pager_diagnostic());
	order = tp_shuffle(NPAGES, 42);
	for (k = 0; k < 2; k++) {
		t[k] = (struct toucher){ .base = m, .order = order + k * NPAGES / 2, .n = NPAGES / 2 };
		CHECK(pthread_create(&t[k].t, NULL, touch_main, &t[k]) == 0);
	}
	for (k = 0; k < 2; k++)
		pthread_join(t[k].t, NULL);
	CHECK_OK(uffd_pager_wait(p, 10000));
	tp_verify(m, NPAGES, 0, ZERO_EVERY);
	check_stats(p, true);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
	free(order);

	/* 2. Full prefetch from a mapping of the image. */
	p = tp_pager(uffd_store_file_open(img, UFFD_STORE_MMAP), NULL);
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK(m);
	tp_touch(m, 64, NULL);
	CHECK_OK(uffd_pager_wait(p, 20000));
	tp_verify(m, NPAGES, 0, ZERO_EVERY);
	check_stats(p, false);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);

	/* 3. Two queues, 64 KiB stripes, three workers, readahead only. */
	p = tp_pager(uffd_store_file_open(img, 0),
		     &(struct uffd_pager_config){ .queues = 2, .stripe = 65536,
			.workers = 3, .flags = UFFD_PAGER_NO_BACKGROUND });
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK(m);
	order = tp_shuffle(NPAGES, 7);
	for (k = 0; k < 2; k++) {
		t[k] = (struct toucher){ .base = m, .order = order + k * NPAGES / 2, .n = NPAGES / 2 };
		CHECK(pthread_create(&t[k].t, NULL, touch_main, &t[k]) == 0);
	}
	for (k = 0; k < 2; k++)
		pthread_join(t[k].t, NULL);
	CHECK_OK(uffd_pager_wait(p, 10000));
	tp_verify(m, NPAGES, 0, ZERO_EVERY);
	check_stats(p, false);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
	free(order);

	/* 4. Nothing touched, no prefetch: uffd_pager_complete fetches all.
	 * A region at an offset of the image: pages 1000.. of the store. */
	p = tp_pager(uffd_store_file_open(img, 0),
		     &(struct uffd_pager_config){ .flags = UFFD_PAGER_NO_PREFETCH });
	m = uffd_pager_map(p, 1000, NPAGES - 1000, NULL);
	CHECK(m);
	CHECK_ERR(uffd_pager_wait(p, 50), ETIMEDOUT);
	CHECK_OK(uffd_pager_complete(p, 20000));
	tp_verify(m, NPAGES - 1000, 1000, ZERO_EVERY);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, (NPAGES - 1000) * (size_t)t_page);

	/* Errors say what is wrong. */
	CHECK_ERR(uffd_store_file_open(tp_path("absent"), 0) ? 0 : -1, ENOENT);
	CHECK_MSG(strstr(uffd_pager_diagnostic(), "absent") &&
		  strstr(uffd_pager_diagnostic(), "No such file"),
		  "diagnostic: %s", uffd_pager_diagnostic());
	{
		FILE *f = fopen(tp_path("junk"), "w");

		CHECK(f);
		fprintf(f, "this is not an image, not even close to one\n");
		fclose(f);
	}
	CHECK_ERR(uffd_store_file_open(tp_path("junk"), 0) ? 0 : -1, EINVAL);
	CHECK_MSG(strstr(uffd_pager_diagnostic(), "not a libuffd memory image"),
		  "diagnostic: %s", uffd_pager_diagnostic());
	return 0;
}
