/*
 * Orphan policy SIGBUS (uffd_set_orphan_policy, issue 7): a handler process
 * (descriptor received over SCM_RIGHTS) reads a fault message and is killed
 * with SIGKILL before resolving it.  With the kernel's behaviour the
 * faulting thread would wait for ever; with SIGBUS and a 500 ms timeout it
 * gets SIGBUS, BUS_ADRERR, within 1 s of the kill (the acceptance criterion;
 * the only time checked).  si_addr: the exact address on the emulated
 * engine; on the kernel engine the watchdog cannot know it (src/kernel/orphan.c)
 * and sends NULL, unless the thread re-faulted on the SIGBUS uffd the range
 * was moved to first, which reports the exact address.  Later accesses to
 * the range raise SIGBUS too.
 */
#include "xproc_util.h"

static void set_policy(int fd)
{
	CHECK_OK(uffd_set_orphan_policy(fd, UFFD_ORPHAN_SIGBUS, XO_TIMEOUT_MS));
}

int main(void)
{
	struct xo x;
	int s;

	t_init(30);
	xo_start(&x, set_policy, true);

	s = xo_wait(&x, XO_DEADLINE_NS);
	CHECK_MSG(s != XO_PENDING, "the faulting thread was still blocked 1 s after "
		  "the handler was killed");
	CHECK_MSG(s == XO_SIGBUS, "the faulting thread loaded %d, expected SIGBUS",
		  xo_value);
	xo_check_deadline(&x);
	CHECK_EQ(pthread_join(x.thread, NULL), 0);
	CHECK_EQ(xo_bus_code, BUS_ADRERR);
	if (!strcmp(t_engine_name, "kernel"))
		CHECK_MSG(xo_bus_addr == NULL || xo_bus_addr == x.addr ||
			  xo_bus_addr == x.area + t_page,
			  "si_addr %p, expected NULL or %p", xo_bus_addr, (void *)x.addr);
	else
		CHECK_MSG(xo_bus_addr == x.addr, "si_addr %p, expected %p",
			  xo_bus_addr, (void *)x.addr);

	/* The page is still missing: the next access is a SIGBUS again. */
	xo_state = XO_PENDING;
	CHECK_EQ(pthread_create(&x.thread, NULL, xo_fault_main, &x), 0);
	x.t_kill = xp_now_ns();
	s = xo_wait(&x, 10ULL * XO_DEADLINE_NS);
	CHECK_EQ(s, XO_SIGBUS);
	CHECK_EQ(pthread_join(x.thread, NULL), 0);
	CHECK_EQ(xo_bus_code, BUS_ADRERR);
	close(x.fd);
	return 0;
}
