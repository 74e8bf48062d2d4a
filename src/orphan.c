/* SPDX-License-Identifier: MIT */
/*
 * The orphan policy: what happens to threads waiting on a fault that no
 * one resolves -- typically because the handler process died while the
 * faulting process still holds the uffd, which with the kernel's uffd
 * means a hang for ever.  A libuffd extension (uffd_set_orphan_policy(),
 * UFFD_ORPHAN_POLICY); the default is the kernel's: wait.  Each engine
 * applies it in its own way: src/emu/orphan.c, src/kernel/orphan.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define DEFAULT_TIMEOUT_MS 1000

UFFD_EXPORT int uffd_set_orphan_policy(int fd, enum uffd_orphan_policy policy,
				       unsigned int timeout_ms)
{
	uint64_t tns = (uint64_t)(timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS) * 1000000ULL;
	int err;

	if (policy != UFFD_ORPHAN_WAIT && policy != UFFD_ORPHAN_SIGBUS &&
	    policy != UFFD_ORPHAN_ZEROFILL) {
		errno = EINVAL;
		return -1;
	}
	if (emu_engine.owns(fd))
		err = emu_engine.set_orphan_policy(fd, policy, tns);
	else if (kernel_engine.owns(fd))
		err = kernel_engine.set_orphan_policy(fd, policy, tns);
	else
		err = -EBADF;
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}

/* UFFD_ORPHAN_POLICY=wait|sigbus|zerofill[:MS] for every uffd_open(). */
void orphan_apply_env(int fd)
{
	const char *s = getenv("UFFD_ORPHAN_POLICY");
	enum uffd_orphan_policy p;
	const char *colon;

	if (!s || !*s)
		return;
	if (!strncmp(s, "sigbus", 6))
		p = UFFD_ORPHAN_SIGBUS;
	else if (!strncmp(s, "zerofill", 8))
		p = UFFD_ORPHAN_ZEROFILL;
	else
		return;
	colon = strchr(s, ':');
	uffd_set_orphan_policy(fd, p, colon ? (unsigned int)atoi(colon + 1) : 0);
}
