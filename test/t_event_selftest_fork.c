/*
 * The kernel selftests' "events" scenario (spec 13.2, 11.2-11.4): a uffd
 * with EVENT_FORK|EVENT_REMAP|EVENT_REMOVE; a monitor thread reads the
 * FORK event of a fork() child and switches to the child's uffd; it
 * serves the child's MISSING faults in the first half of the area with
 * UFFDIO_COPY, follows the child's mremap() (REMAP), serves the second
 * half at the new place, and on the child's MADV_DONTNEED (REMOVE)
 * UNREGISTERs, after which the child reads zeros.  Exactly one fault per
 * page, one FORK, one REMAP, one REMOVE.
 *
 * The child waits for the monitor to finish with the REMOVE before it
 * exits: an UNREGISTER that reaches a uffd whose process has gone fails
 * with ENOMEM on both engines, so without the handshake the scenario is
 * a race the test would sometimes lose.
 */
#include "events_util.h"

#define NPAGES 16

int main(void)
{
	struct ev_monitor mo = { 0 };
	char *src, *area, *tgt;
	size_t nr;
	pid_t pid;
	int fd, st, i, ack[2];

	t_init(60);
#if defined(__SANITIZE_ADDRESS__)
	/*
	 * With EVENT_FORK the emulated engine starts a service thread in the
	 * child.  GCC 12's ASan allocator takes no lock around fork(): an
	 * allocator lock another parent thread held at fork() stays held in
	 * the child, and that thread's start-up (which allocates) hangs -- in
	 * about one run out of four here.  glibc's malloc is fork-safe.
	 */
	if (!strcmp(t_engine_name, "emulated"))
		t_skip("under ASan: its allocator is not fork-safe and the child starts a thread");
#endif
	t_require(UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_EVENT_REMAP |
		  UFFD_FEATURE_EVENT_REMOVE);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_FORK |
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
	CHECK_EQ(pipe(ack), 0);
	mo.ack_fd = ack[1];
	ev_mon_start(&mo);

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int r;

		alarm(30);
		r = ev_faulting_process(area, tgt, NPAGES);
		if (r)
			fprintf(stderr, "FAIL: faulting process: step %d\n", r);
		else if (read(ack[0], &st, 1) != 1)
			r = 15;
		_exit(r);
	}
	/* fork() returned: the FORK event has been read (spec 11.2). */
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	for (i = 0; i < 5000 && !__atomic_load_n(&mo.forks, __ATOMIC_ACQUIRE); i++)
		t_msleep(1);
	CHECK_EQ(__atomic_load_n(&mo.forks, __ATOMIC_ACQUIRE), 1);
	CHECK(__atomic_load_n(&mo.fd, __ATOMIC_ACQUIRE) != fd);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	ev_mon_stop(&mo);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	CHECK_MSG(!mo.err[0], "monitor: %s", mo.err);
	CHECK_EQ(mo.missing, NPAGES);
	CHECK_EQ(mo.minor, 0);
	CHECK_EQ(mo.forks, 1);
	CHECK_EQ(mo.remaps, 1);
	CHECK_EQ(mo.removes, 1);
	CHECK_HEX(mo.area, (uintptr_t)tgt);
	close(mo.fd);
	close(fd);
	close(ack[0]);
	close(ack[1]);
	return 0;
}
