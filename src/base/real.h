/* SPDX-License-Identifier: MIT */
/*
 * The C library's own versions of every function libuffd interposes
 * (src/interpose/), found with dlsym(RTLD_NEXT) before main() runs.
 *
 * The bottom of the library: the engines and the interposers call these
 * when they mean the C library itself, so that no engine call climbs back
 * up into an interposer (which would, for instance, run the shim's
 * /dev/userfaultfd check on the engine's own open() of /proc/self/mem).
 * Nothing here depends on any other part of libuffd.
 *
 * REAL(name) is the function pointer, resolved on first use if a
 * constructor has not run yet; after real_init() it is one load.  The
 * table is filled before main() (constructor priority 101), so the fault
 * path, which may not call dlsym(), only ever reads it.
 */
#ifndef LIBUFFD_REAL_H
#define LIBUFFD_REAL_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

struct statx;

struct real_fns {
	/* descriptors and reads (src/interpose/fd.c) */
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*preadv2)(int, const struct iovec *, int, off_t, int);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	/* readiness (src/interpose/poll.c) */
	int (*poll)(struct pollfd *, nfds_t, int);
	int (*ppoll)(struct pollfd *, nfds_t, const struct timespec *,
		     const sigset_t *);
	int (*epoll_ctl)(int, int, int, struct epoll_event *);
	int (*epoll_wait)(int, struct epoll_event *, int, int);
	int (*epoll_pwait)(int, struct epoll_event *, int, int, const sigset_t *);
	int (*epoll_pwait2)(int, struct epoll_event *, int, const struct timespec *,
			    const sigset_t *);
	int (*select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
	int (*pselect)(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
		       const sigset_t *);
	/* signals (src/interpose/signal.c) */
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	sighandler_t (*signal)(int, sighandler_t);
	int (*sigprocmask)(int, const sigset_t *, sigset_t *);
	int (*pthread_sigmask)(int, const sigset_t *, sigset_t *);
	/* memory (src/interpose/mm.c) */
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*munmap)(void *, size_t);
	void *(*mremap)(void *, size_t, size_t, int, ...);
	int (*madvise)(void *, size_t, int);
	int (*mprotect)(void *, size_t, int);
	/* the preload shim (src/interpose/preload*.c) */
	long (*syscall)(long, ...);
	int (*open)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*ioctl)(int, unsigned long, ...);
	ssize_t (*pread)(int, void *, size_t, off_t);
	ssize_t (*preadv)(int, const struct iovec *, int, off_t);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*pwrite)(int, const void *, size_t, off_t);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*pwritev)(int, const struct iovec *, int, off_t);
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *,
			  socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	ssize_t (*getrandom)(void *, size_t, unsigned int);
	int (*stat)(const char *, struct stat *);
	int (*fstat)(int, struct stat *);
	int (*lstat)(const char *, struct stat *);
	int (*fstatat)(int, const char *, struct stat *, int);
	int (*statx)(int, const char *, int, unsigned int, struct statx *);
	/* the descriptor as a file (src/interpose/stat.c, proc.c) */
	off_t (*lseek)(int, off_t, int);
	ssize_t (*readlink)(const char *, char *, size_t);
	ssize_t (*readlinkat)(int, const char *, char *, size_t);
	FILE *(*fopen)(const char *, const char *);
};

extern struct real_fns real;
void real_init(void);

#define REAL(name) \
	(__builtin_expect(real.name != NULL, 1) ? real.name : (real_init(), real.name))

/* The calls the engines make, by name. */
static inline ssize_t real_read(int fd, void *buf, size_t n)
{
	return REAL(read)(fd, buf, n);
}

static inline ssize_t real_write(int fd, const void *buf, size_t n)
{
	return REAL(write)(fd, buf, n);
}

static inline ssize_t real_pread(int fd, void *buf, size_t n, off_t off)
{
	return REAL(pread)(fd, buf, n, off);
}

static inline ssize_t real_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return REAL(pwrite)(fd, buf, n, off);
}

static inline int real_open(const char *path, int flags)
{
	return REAL(open)(path, flags);
}

static inline ssize_t real_readlink(const char *path, char *buf, size_t n)
{
	return REAL(readlink)(path, buf, n);
}

static inline int real_close(int fd)
{
	return REAL(close)(fd);
}

static inline int real_fcntl(int fd, int cmd, long arg)
{
	return REAL(fcntl)(fd, cmd, arg);
}

static inline int real_fstat(int fd, struct stat *st)
{
	return REAL(fstat)(fd, st);
}

static inline int real_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	return REAL(poll)(fds, n, timeout);
}

static inline ssize_t real_send(int fd, const void *buf, size_t n, int flags)
{
	return REAL(send)(fd, buf, n, flags);
}

static inline ssize_t real_recv(int fd, void *buf, size_t n, int flags)
{
	return REAL(recv)(fd, buf, n, flags);
}

static inline ssize_t real_sendmsg(int fd, const struct msghdr *mh, int flags)
{
	return REAL(sendmsg)(fd, mh, flags);
}

static inline ssize_t real_recvmsg(int fd, struct msghdr *mh, int flags)
{
	return REAL(recvmsg)(fd, mh, flags);
}

static inline void *real_mmap(void *addr, size_t len, int prot, int flags,
			      int fd, off_t off)
{
	return REAL(mmap)(addr, len, prot, flags, fd, off);
}

static inline int real_munmap(void *addr, size_t len)
{
	return REAL(munmap)(addr, len);
}

static inline void *real_mremap(void *old, size_t old_len, size_t new_len,
				int flags, void *new_addr)
{
	return REAL(mremap)(old, old_len, new_len, flags, new_addr);
}

static inline int real_madvise(void *addr, size_t len, int advice)
{
	return REAL(madvise)(addr, len, advice);
}

static inline int real_mprotect(void *addr, size_t len, int prot)
{
	return REAL(mprotect)(addr, len, prot);
}

static inline int real_sigaction(int sig, const struct sigaction *act,
				 struct sigaction *old)
{
	return REAL(sigaction)(sig, act, old);
}

static inline int real_pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return REAL(pthread_sigmask)(how, set, old);
}

#endif
