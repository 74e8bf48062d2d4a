/*
 * Orphan policy ZEROFILL (uffd_set_orphan_policy, issue 7): a handler
 * process (an inherited copy of the descriptor) reads a fault message and
 * is killed with SIGKILL before resolving it.  With ZEROFILL and a 500 ms
 * timeout the faulting thread continues with a zero page within 1 s of the
 * kill (the acceptance criterion; the only time checked), and no SIGBUS.
 */
#include "xproc_util.h"

static void set_policy(int fd)
{
	CHECK_OK(uffd_set_orphan_policy(fd, UFFD_ORPHAN_ZEROFILL, XO_TIMEOUT_MS));
}

int main(void)
{
	struct xo x;

	t_init(30);
	xo_start(&x, set_policy, false);
	xo_expect_zerofill(&x);
	close(x.fd);
	return 0;
}
