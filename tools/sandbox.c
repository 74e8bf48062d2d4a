/* SPDX-License-Identifier: MIT */
/*
 * `uffd sandbox [--verbose] [--] PROGRAM [ARGS...]`
 *
 * Runs PROGRAM where the kernel's userfaultfd is refused, as inside a
 * container with a default seccomp profile: userfaultfd(2) fails with
 * EPERM and opening /dev/userfaultfd with EACCES (what the device answers
 * a user who may not open it).  Everything else is allowed.  So
 *
 *	uffd sandbox -- PROGRAM                 fails as it would there, and
 *	uffd sandbox -- uffd run -- PROGRAM     runs on the emulated engine.
 *
 * How: the child installs the filter of seccomp_uffd.h and execs PROGRAM;
 * this process keeps the filter's listener and answers the opens it is
 * sent: it reads the path from the caller's memory, and refuses the call
 * when the path names the userfaultfd device (by device number, so any
 * spelling or symlink counts), else lets it proceed.  It forwards SIGHUP,
 * SIGINT, SIGQUIT and SIGTERM to the child and exits with the child's
 * status (128 + N when signal N killed it); the child gets SIGKILL if
 * this process dies.  Processes the child starts inherit the filter; once
 * the child is gone, their opens fail (ENOSYS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "cli.h"
#include "seccomp_uffd.h"

#define DEV_PATH "/dev/userfaultfd"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static volatile sig_atomic_t child;	/* pid, once forked */

static void forward(int sig)
{
	if (child > 0)
		kill((pid_t)child, sig);
}

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

/* The NUL-terminated string at @addr in @pid's memory; false if unreadable. */
static bool read_string(pid_t pid, unsigned long addr, char *buf, size_t len)
{
	char mem[64];
	size_t got = 0;
	int fd;

	snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)pid);
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (got + 1 < len) {
		size_t chunk = 4096 - ((addr + got) & 4095);
		ssize_t n;

		if (chunk > len - 1 - got)
			chunk = len - 1 - got;
		n = pread(fd, buf + got, chunk, (off_t)(addr + got));
		if (n <= 0)
			break;
		if (memchr(buf + got, '\0', (size_t)n)) {
			close(fd);
			return true;
		}
		got += (size_t)n;
	}
	close(fd);
	return false;
}

/* Whether the open @req waits on names the device numbered @dev. */
static bool opens_device(const struct seccomp_notif *req, dev_t dev)
{
	const struct seccomp_data *d = &req->data;
	char path[PATH_MAX], full[PATH_MAX + 64];
	unsigned long addr = (unsigned long)d->args[1];
	int dirfd = (int)d->args[0];
	struct stat st;

#ifdef __NR_open
	if (d->nr == __NR_open) {
		addr = (unsigned long)d->args[0];
		dirfd = AT_FDCWD;
	}
#endif
	if (!read_string((pid_t)req->pid, addr, path, sizeof(path)))
		return false;
	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else if (dirfd == AT_FDCWD)
		snprintf(full, sizeof(full), "/proc/%u/cwd/%s", req->pid, path);
	else
		snprintf(full, sizeof(full), "/proc/%u/fd/%d/%s", req->pid, dirfd, path);
	return stat(full, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == dev;
}

/* Answer one open: EACCES for the device, else let it run. */
static void answer(int listener, dev_t dev, bool verbose)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	bool refuse;

	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return;		/* EINTR, or the caller is already gone */
	refuse = dev && opens_device(&req, dev);
	/* The path was read from a live caller, not from a reused pid. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) < 0)
		return;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	if (refuse)
		resp.error = -EACCES;
	else
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0 && refuse && verbose)
		fprintf(stderr, "uffd sandbox: pid %u: open of " DEV_PATH
			" refused (EACCES)\n", req.pid);
}

/* In the child: the filter, its listener to the parent, then PROGRAM. */
static void run_child(int sock, const sigset_t *mask, pid_t parent, char **argv)
{
	char ack;
	int listener;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	sigprocmask(SIG_SETMASK, mask, NULL);
	listener = seccomp_uffd_install(SECCOMP_UFFD_NOTIFY_OPENS);
	if (listener < 0) {
		fprintf(stderr, "uffd sandbox: cannot install the seccomp filter: %s\n",
			strerror(errno));
		_exit(1);
	}
	if (write(sock, &listener, sizeof(listener)) != sizeof(listener) ||
	    read(sock, &ack, 1) != 1)
		_exit(1);	/* the parent said why */
	close(listener);
	close(sock);
	execvp(argv[0], argv);
	fprintf(stderr, "uffd sandbox: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* The child's listener, through its pidfd; -1 after saying why. */
static int take_listener(int sock, int pidfd)
{
	int remote, fd;

	if (read(sock, &remote, sizeof(remote)) != sizeof(remote))
		return -1;	/* the child said why */
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, remote, 0);
	if (fd < 0) {
		fprintf(stderr, "uffd sandbox: pidfd_getfd: %s\n", strerror(errno));
		return -1;
	}
	if (write(sock, "", 1) != 1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Answer opens until the child exits; its wait status. */
static int supervise(int listener, int pidfd, pid_t pid, dev_t dev, bool verbose)
{
	struct pollfd p[2] = {
		{ .fd = listener, .events = POLLIN },
		{ .fd = pidfd, .events = POLLIN },
	};
	int st;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (p[0].revents & POLLIN)
			answer(listener, dev, verbose);
		else if (p[0].revents)
			p[0].fd = -1;	/* no filtered process left but the child */
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return W_EXITCODE(1, 0);
	return st;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: uffd sandbox [--verbose] [--] PROGRAM [ARGS...]\n"
		"  --verbose  say on stderr which opens of the device were refused\n");
}

static bool verbose;

static int sandbox_option(int argc, char **argv, int *i)
{
	(void)argc;
	if (strcmp(argv[*i], "-v") && strcmp(argv[*i], "--verbose"))
		return -1;
	verbose = true;
	return 0;
}

int cmd_sandbox(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = forward };
	sigset_t block, saved;
	dev_t dev = 0;
	int i, sv[2], pidfd, listener, st;
	struct stat ds;
	pid_t pid, self = getpid();
	size_t k;

	i = program_args("sandbox", argc, argv, sandbox_option, usage, &st);
	if (i < 0)
		return st;
	/* No device here: its opens fail with ENOENT by themselves. */
	if (stat(DEV_PATH, &ds) == 0 && S_ISCHR(ds.st_mode))
		dev = ds.st_rdev;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		fprintf(stderr, "uffd sandbox: socketpair: %s\n", strerror(errno));
		return 1;
	}
	sigemptyset(&block);
	for (k = 0; k < NFORWARDED; k++) {
		sigaddset(&block, forwarded[k]);
		sigaction(forwarded[k], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, &saved);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "uffd sandbox: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(sv[0]);
		run_child(sv[1], &saved, self, argv + i);
	}
	child = pid;
	sigprocmask(SIG_SETMASK, &saved, NULL);
	close(sv[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		fprintf(stderr, "uffd sandbox: pidfd_open: %s\n", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	listener = take_listener(sv[0], pidfd);
	close(sv[0]);
	if (listener < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return 1;
	}
	st = supervise(listener, pidfd, pid, dev, verbose);
	close(listener);
	close(pidfd);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
