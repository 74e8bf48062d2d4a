/*
 * The kernel selftests' "events" scenario without fork (spec 13.2,
 * 11.3, 11.4): a monitor thread serves the MISSING faults of the first
 * half of an area with UFFDIO_COPY, follows the mremap() of the area
 * (REMAP), serves the second half at the new place, and on MADV_DONTNEED
 * (REMOVE) UNREGISTERs, after which the area reads zero.  Exactly one
 * fault per page, one REMAP, one REMOVE.
 */
#include "events_util.h"

#define NPAGES 16

int main(void)
{
	struct ev_monitor mo = { 0 };
	char *src, *area, *tgt;
	size_t nr;
	int fd, r;

	t_init(60);
	t_require(UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_REMOVE);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK,
			UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_EVENT_REMOVE);
	src = t_map(NPAGES);
	for (nr = 0; nr < NPAGES; nr++)
		ev_pattern(src + nr * t_page, nr);
	area = ev_reserve(2 * NPAGES);
	ev_map_at(area, NPAGES);
	tgt = area + NPAGES * t_page;
	t_register(fd, area, NPAGES, UFFDIO_REGISTER_MODE_MISSING);

	mo.fd = fd;
	mo.src = src;
	mo.area = (uintptr_t)area;
	mo.npages = NPAGES;
	ev_mon_start(&mo);
	r = ev_faulting_process(area, tgt, NPAGES);
	ev_mon_stop(&mo);
	CHECK_MSG(r == 0, "faulting process: step %d", r);
	CHECK_MSG(!mo.err[0], "monitor: %s", mo.err);
	CHECK_EQ(mo.missing, NPAGES);
	CHECK_EQ(mo.minor, 0);
	CHECK_EQ(mo.remaps, 1);
	CHECK_EQ(mo.removes, 1);
	CHECK_HEX(mo.area, (uintptr_t)tgt);
	/* Unregistered by the monitor: an ordinary mapping now. */
	CHECK_EQ(tgt[3 * t_page + 1], 0);
	tgt[3 * t_page + 1] = 1;
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
