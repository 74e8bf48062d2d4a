/* SPDX-License-Identifier: MIT */
/*
 * The C library's functions past every interposer (real.h).
 *
 * dlsym(RTLD_NEXT) from this object finds the next definition after the
 * one that holds it: libc's, whether libuffd is linked into the program
 * (libuffd.a), loaded as libuffd.so, or preloaded (libuffd-preload.so).
 * Resolving is idempotent; a thread that races the constructor stores the
 * same pointers.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include "base/real.h"

struct real_fns real;

#define RESOLVE(name) \
	(real.name = (__typeof__(real.name))dlsym(RTLD_NEXT, #name))

__attribute__((constructor(101))) void real_init(void)
{
	RESOLVE(read);
	RESOLVE(readv);
	RESOLVE(preadv2);
	RESOLVE(recvmsg);
	RESOLVE(close);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(fcntl);
	RESOLVE(poll);
	RESOLVE(ppoll);
	RESOLVE(epoll_ctl);
	RESOLVE(epoll_wait);
	RESOLVE(epoll_pwait);
	RESOLVE(epoll_pwait2);
	RESOLVE(select);
	RESOLVE(pselect);
	RESOLVE(sigaction);
	RESOLVE(signal);
	RESOLVE(sigprocmask);
	RESOLVE(pthread_sigmask);
	RESOLVE(mmap);
	RESOLVE(munmap);
	RESOLVE(mremap);
	RESOLVE(madvise);
	RESOLVE(mprotect);
	RESOLVE(syscall);
	RESOLVE(open);
	RESOLVE(openat);
	RESOLVE(ioctl);
	RESOLVE(pread);
	RESOLVE(preadv);
	RESOLVE(recv);
	RESOLVE(recvfrom);
	RESOLVE(write);
	RESOLVE(pwrite);
	RESOLVE(writev);
	RESOLVE(pwritev);
	RESOLVE(send);
	RESOLVE(sendto);
	RESOLVE(sendmsg);
	RESOLVE(getrandom);
	RESOLVE(stat);
	RESOLVE(fstat);
	RESOLVE(lstat);
	RESOLVE(fstatat);
	RESOLVE(statx);
	RESOLVE(lseek);
	RESOLVE(readlink);
	RESOLVE(readlinkat);
	RESOLVE(fopen);
}
