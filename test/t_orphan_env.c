/*
 * UFFD_ORPHAN_POLICY=zerofill:500 (XO_TIMEOUT_MS) in the environment
 * before uffd_open() gives the uffd the ZEROFILL policy with that timeout
 * in milliseconds, without a call
 * to uffd_set_orphan_policy (for programs that cannot be changed, e.g.
 * under the preload shim): a fault whose handler process (descriptor
 * received over SCM_RIGHTS) was killed after reading its message is
 * resolved with a zero page within 1 s of the kill (the acceptance
 * criterion; the only time checked).
 */
#include "xproc_util.h"

int main(void)
{
	struct xo x;
	char env[32];

	t_init(30);
	snprintf(env, sizeof(env), "zerofill:%d", XO_TIMEOUT_MS);
	CHECK_OK(setenv("UFFD_ORPHAN_POLICY", env, 1));
	xo_start(&x, NULL, true);
	xo_expect_zerofill(&x);
	close(x.fd);
	return 0;
}
