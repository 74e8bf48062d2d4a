/* SPDX-License-Identifier: MIT */
/*
 * self_pid() (self.h): the pid is kept in a page marked MADV_WIPEONFORK,
 * which every child of fork() or clone() without CLONE_VM finds zeroed --
 * whether or not the C library ran its fork hooks -- and fills in with one
 * getpid() at its first call.  Without the page (a kernel older than 4.14,
 * or no memory at start-up) every call is a getpid().
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>
#include "base/real.h"
#include "base/self.h"
#include "base/sys.h"

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif

static _Atomic pid_t *_Atomic wiped;

void self_pid_init(void)
{
	void *p;

	if (wiped)
		return;
	p = real_mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	if (real_madvise(p, 4096, MADV_WIPEONFORK)) {
		real_munmap(p, 4096);
		return;
	}
	wiped = p;
}

pid_t self_pid(void)
{
	_Atomic pid_t *w = wiped;
	pid_t p;

	if (!w)
		return sys_getpid();
	p = atomic_load_explicit(w, memory_order_relaxed);
	if (__builtin_expect(p != 0, 1))
		return p;
	p = sys_getpid();
	atomic_store_explicit(w, p, memory_order_relaxed);
	return p;
}
