/* SPDX-License-Identifier: MIT */
/*
 * The kernel's userfaultfd made unusable the way container runtimes do,
 * for the tests (t_preload_seccomp, t_probe_device_refused): the filter of
 * tools/seccomp_uffd.h, installed on the calling thread and inherited by
 * its children and across exec; the test skips when filters are not
 * permitted.
 */
#ifndef UFFD_TEST_SECCOMP_UTIL_H
#define UFFD_TEST_SECCOMP_UTIL_H

#include "harness.h"
#include "../tools/seccomp_uffd.h"

/*
 * userfaultfd(2) answers EPERM; with @rdwr_opens, every openat() with
 * exactly O_RDWR | O_CLOEXEC too (libuffd's open of /dev/userfaultfd).
 */
static inline void sc_deny_userfaultfd(bool rdwr_opens)
{
	if (seccomp_uffd_install(rdwr_opens ? SECCOMP_UFFD_DENY_RDWR_OPENS :
				 SECCOMP_UFFD_ALLOW_OPENS) < 0)
		t_skip("installing a seccomp filter: %s", t_errname(errno));
}

#endif
