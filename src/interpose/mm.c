/* SPDX-License-Identifier: MIT */
/*
 * The process's memory calls: mmap(MAP_FIXED), munmap(), mremap(),
 * madvise() and mprotect() over registered ranges change what the emulated
 * engine must know (src/emu/mm.c says what and why).  Each interposer hands
 * the call to the engine, which goes straight to the C library unless the
 * range is near registered memory.
 *
 * Under ThreadSanitizer these run while its runtime initialises, before
 * instrumented code may run: this object, src/emu/mm.c and src/base/real.c
 * are built without TSan (mk/hardening.mk).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <sys/mman.h>
#include "emu/emu.h"

/* Referred to by src/open.c, so that static links keep this object. */
const char interpose_mm_linked;

UFFD_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	return emu_mmap(addr, len, prot, flags, fd, off);
}

UFFD_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
			 off_t off) __attribute__((alias("mmap")));

UFFD_EXPORT int munmap(void *addr, size_t len)
{
	return emu_munmap(addr, len);
}

UFFD_EXPORT int madvise(void *addr, size_t len, int advice)
{
	return emu_madvise(addr, len, advice);
}

UFFD_EXPORT int mprotect(void *addr, size_t len, int prot)
{
	return emu_mprotect(addr, len, prot);
}

UFFD_EXPORT void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	void *new_addr = NULL;
	va_list ap;

	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		new_addr = va_arg(ap, void *);
		va_end(ap);
	}
	return emu_mremap(old, old_size, new_size, flags, new_addr);
}
