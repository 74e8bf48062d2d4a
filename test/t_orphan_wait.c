/*
 * Orphan policy WAIT (the default, the kernel's behaviour), set explicitly
 * with a 500 ms timeout: when the handler process (descriptor received over
 * SCM_RIGHTS) is killed after reading a fault message, the faulting thread
 * keeps waiting -- it is still blocked 1 s after the kill (the acceptance
 * criterion) -- and a UFFDIO_COPY from the process holding the uffd then
 * resolves the fault as usual.
 */
#include "xproc_util.h"

static void set_policy(int fd)
{
	CHECK_OK(uffd_set_orphan_policy(fd, UFFD_ORPHAN_WAIT, XO_TIMEOUT_MS));
}

int main(void)
{
	struct xo x;
	int s;

	t_init(30);
	xo_start(&x, set_policy, true);

	s = xo_wait(&x, XO_DEADLINE_NS);
	CHECK_MSG(s == XO_PENDING, "the faulting thread %s within 1 s of the kill, "
		  "expected it to keep waiting",
		  s == XO_SIGBUS ? "got SIGBUS" : "continued");

	/* The fault is still there to resolve; nothing else is queued. */
	CHECK_EQ(t_poll(x.fd, POLLIN, 0), 0);
	CHECK_OK(t_copy_byte(x.fd, x.area + t_page, 0x3c, 0));
	s = xo_wait(&x, 10ULL * XO_DEADLINE_NS);
	CHECK_EQ(s, XO_LOADED);
	CHECK_EQ(pthread_join(x.thread, NULL), 0);
	CHECK_EQ(xo_value, 0x3c);
	CHECK_EQ(x.area[t_page + 4000], 0x3c);
	CHECK_EQ(xo_bus_count, 0);
	close(x.fd);
	return 0;
}
