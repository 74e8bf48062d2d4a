/* SPDX-License-Identifier: MIT */
/*
 * The C library's own versions of the functions this library interposes
 * (interpose.c), found with dlsym(RTLD_NEXT) before main() runs.
 */
#ifndef LIBUFFD_REAL_H
#define LIBUFFD_REAL_H

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/epoll.h>

struct real_fns {
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*preadv2)(int, const struct iovec *, int, off_t, int);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	int (*poll)(struct pollfd *, nfds_t, int);
	int (*ppoll)(struct pollfd *, nfds_t, const struct timespec *,
		     const sigset_t *);
	int (*epoll_ctl)(int, int, int, struct epoll_event *);
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	sighandler_t (*signal)(int, sighandler_t);
	int (*sigprocmask)(int, const sigset_t *, sigset_t *);
	int (*pthread_sigmask)(int, const sigset_t *, sigset_t *);
	long (*syscall)(long, ...);
};

extern struct real_fns real;
void real_init(void);

ssize_t real_read(int fd, void *buf, size_t count);
int real_close(int fd);
int real_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int real_pthread_sigmask(int how, const sigset_t *set, sigset_t *old);
int real_mprotect(void *addr, size_t len, int prot);
int real_madvise(void *addr, size_t len, int advice);

#endif
