/* SPDX-License-Identifier: MIT */
/*
 * Record/replay: the same deterministic access pattern (3000 of 8192
 * pages, in a fixed random order, touched by one thread) runs three
 * times over a 32 MiB image:
 *
 *   1. demand only, recording: every touched page is one demand fault,
 *      and the plan saved lists exactly those pages, in touch order;
 *   2. demand only plus the replay of that plan: the prefetcher fetches
 *      the pages in the recorded order ahead of the application;
 *   3. the same with the plan of a *different* pattern (a control).
 *
 * Replay must cut the demand faults of run 2 to less than half of run 1's
 * (counts, not times); the contents are checked every run.
 */
#include "pager_util.h"

#define NPAGES 8192
#define TOUCHED 3000
#define ZERO_EVERY 9

static uint64_t run(const char *img, const size_t *order, const char *replay,
		    const char *record)
{
	struct uffd_pager_stats st;
	struct uffd_pager *p;
	size_t i;
	char *m;

	p = tp_pager(uffd_store_file_open(img, 0),
		     &(struct uffd_pager_config){
			.flags = UFFD_PAGER_NO_PREFETCH |
				 (record ? UFFD_PAGER_RECORD : 0),
			.replay = replay });
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK_MSG(m, "uffd_pager_map: %s", uffd_pager_diagnostic());
	/* The application: reads each page, and works a little on it. */
	for (i = 0; i < TOUCHED; i++) {
		const char *pg = m + order[i] * (size_t)t_page;

		CHECK_MSG(tp_page_bad(pg, order[i], ZERO_EVERY) < 0,
			  "page %zu wrong", order[i]);
	}
	/* The last fault's accounting may trail its wake-up a little. */
	for (i = 0; i < 1000; i++) {
		CHECK_OK(uffd_pager_stats(p, -1, &st));
		if (st.present >= TOUCHED)
			break;
		t_msleep(1);
	}
	if (record)
		CHECK_MSG(uffd_pager_save_plan(p, record) == 0, "save_plan: %s",
			  uffd_pager_diagnostic());
	CHECK_EQ(st.store_errors, 0);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
	printf("%s: %llu demand faults, %llu pages prefetched\n",
	       record ? "record" : replay ? "replay" : "plain",
	       (unsigned long long)st.demand_pages,
	       (unsigned long long)st.prefetch_pages);
	return st.demand_pages;
}

int main(void)
{
	const char *img, *plan, *other;
	size_t *order, *order2;
	uint64_t first, second, control;

	t_init(60);
	tp_require_engine();
	img = tp_path("image");
	plan = tp_path("plan");
	other = tp_path("other-plan");
	tp_make_image(img, NPAGES, ZERO_EVERY);
	order = tp_shuffle(NPAGES, 1234);
	order2 = tp_shuffle(NPAGES, 999);

	first = run(img, order, NULL, plan);
	CHECK_EQ(first, TOUCHED);	/* each touched page faulted once */
	second = run(img, order, plan, NULL);
	CHECK_MSG(second * 2 < first, "replay left %llu of %llu demand faults",
		  (unsigned long long)second, (unsigned long long)first);

	/* A plan of another pattern barely helps: the gain is the plan's. */
	run(img, order2, NULL, other);
	control = run(img, order, other, NULL);
	CHECK_MSG(control > second, "control %llu, replay %llu",
		  (unsigned long long)control, (unsigned long long)second);

	/* A bad plan is refused with a reason. */
	CHECK(uffd_pager_new(uffd_store_file_open(img, 0),
			     &(struct uffd_pager_config){ .replay = img }) == NULL);
	CHECK_MSG(strstr(uffd_pager_diagnostic(), "not a libuffd prefetch plan"),
		  "diagnostic: %s", uffd_pager_diagnostic());
	free(order);
	free(order2);
	return 0;
}
