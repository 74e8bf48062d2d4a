/* SPDX-License-Identifier: MIT */
/*
 * raw_remote_handler - the fault handler in another process, written
 * against <linux/userfaultfd.h> and the C library only.
 *
 *	raw_remote_handler [PAGES]
 *
 * The pattern of post-copy migration and lazy restore (CRIU's lazy-pages
 * daemon): the process whose memory is paged creates the userfaultfd,
 * registers its region, and hands the descriptor to a separate handler
 * process over a UNIX socket (SCM_RIGHTS), then closes its own copy.  The
 * handler reads the fault messages and installs pages into the *other*
 * process's memory with UFFDIO_COPY, from a buffer in its own memory.
 *
 * Here the handler is a child forked before the userfaultfd exists, so the
 * descriptor reaches it only through the socket.  When the parent is done
 * it asks the handler, over the same socket, how many pages it served.
 * Only the parent prints.  Exit status 0 on success.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* What the parent sends with the descriptor. */
struct region_info {
	uint64_t base;
	uint64_t len;
	uint64_t page_size;
};

/* What the handler answers at the end. */
struct handler_report {
	uint64_t served;	/* successful UFFDIO_COPYs */
	uint64_t messages;	/* fault messages read */
	int32_t error;		/* errno of a failed operation, 0 if none */
};

static void die(const char *who, const char *what)
{
	fprintf(stderr, "raw_remote_handler (%s): %s: %s\n", who, what, strerror(errno));
	exit(1);
}

/* /dev/userfaultfd first (Linux 6.1+), then the system call. */
static int open_uffd(int flags)
{
	int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	int fd;

	if (dev >= 0) {
		fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
		close(dev);
		if (fd >= 0)
			return fd;
	}
	return (int)syscall(SYS_userfaultfd, flags);
}

static int send_fd(int sock, int fd, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)data, len };
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&mh, 0, sizeof(mh));
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == (ssize_t)len ? 0 : -1;
}

static int recv_fd(int sock, void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, len };
	struct msghdr mh;
	struct cmsghdr *cm;
	int fd = -1;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != (ssize_t)len)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* ---- the handler process ------------------------------------------------ */

static void fill_page(char *dst, uint64_t page_size, uint64_t idx)
{
	memset(dst, 'a' + (int)(idx % 26), page_size);
	snprintf(dst, 32, "served remotely: page %llu", (unsigned long long)idx);
}

static int handler_main(int sock)
{
	struct region_info ri;
	struct handler_report rep = { 0, 0, 0 };
	struct pollfd pfd[2];
	char *src;
	int uffd;

	uffd = recv_fd(sock, &ri, sizeof(ri));
	if (uffd < 0)
		die("handler", "recvmsg(SCM_RIGHTS)");
	src = mmap(NULL, ri.page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED)
		die("handler", "mmap");

	pfd[0].fd = uffd;
	pfd[0].events = POLLIN;
	pfd[1].fd = sock;
	pfd[1].events = POLLIN;
	for (;;) {
		struct uffd_msg msg;
		struct uffdio_copy copy;
		uint64_t idx;
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("handler", "poll");
		}
		if (pfd[1].revents)
			break;			/* the parent asks for the report */
		if (!(pfd[0].revents & POLLIN))
			continue;
		n = read(uffd, &msg, sizeof(msg));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n != (ssize_t)sizeof(msg)) {
			rep.error = errno ? errno : EIO;
			break;
		}
		rep.messages++;
		if (msg.event != UFFD_EVENT_PAGEFAULT) {
			rep.error = EPROTO;
			break;
		}
		idx = (msg.arg.pagefault.address - ri.base) / ri.page_size;
		fill_page(src, ri.page_size, idx);
		memset(&copy, 0, sizeof(copy));
		copy.dst = ri.base + idx * ri.page_size;
		copy.src = (uintptr_t)src;	/* in *this* process */
		copy.len = ri.page_size;
		if (ioctl(uffd, UFFDIO_COPY, &copy) == 0) {
			rep.served++;
		} else if (errno == EEXIST) {
			struct uffdio_range r = { copy.dst, copy.len };

			if (ioctl(uffd, UFFDIO_WAKE, &r) < 0) {
				rep.error = errno;
				break;
			}
		} else {
			rep.error = errno;
			break;
		}
	}
	/* The parent's request (one byte), then the report. */
	{
		char c;

		if (read(sock, &c, 1) != 1)
			die("handler", "read(socket)");
	}
	if (write(sock, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		die("handler", "write(socket)");
	close(uffd);
	return rep.error ? 1 : 0;
}

/* ---- the process being paged -------------------------------------------- */

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct region_info ri;
	struct handler_report rep;
	long page_size = sysconf(_SC_PAGESIZE);
	size_t npages = argc > 1 ? strtoul(argv[1], NULL, 0) : 6, i;
	int sv[2], uffd, st, bad = 0;
	char *region;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (npages < 1 || npages > 4096) {
		fprintf(stderr, "usage: raw_remote_handler [PAGES (1..4096)]\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("parent", "socketpair");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("parent", "fork");
	if (pid == 0) {
		close(sv[0]);
		_exit(handler_main(sv[1]));
	}
	close(sv[1]);

	uffd = open_uffd(O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die("parent", "userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		die("parent", "UFFDIO_API");
	region = mmap(NULL, npages * (size_t)page_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		die("parent", "mmap");
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)region;
	reg.range.len = npages * (uint64_t)page_size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		die("parent", "UFFDIO_REGISTER");

	ri.base = (uintptr_t)region;
	ri.len = reg.range.len;
	ri.page_size = (uint64_t)page_size;
	if (send_fd(sv[0], uffd, &ri, sizeof(ri)) < 0)
		die("parent", "sendmsg(SCM_RIGHTS)");
	/* From here only the handler process holds the userfaultfd. */
	if (close(uffd) < 0)
		die("parent", "close");
	printf("parent: registered %zu pages, passed the userfaultfd to the handler process\n",
	       npages);

	/* Backwards, to show the order is the faulting thread's. */
	for (i = npages; i-- > 0;) {
		char *p = region + i * (size_t)page_size;
		char want[32];

		snprintf(want, sizeof(want), "served remotely: page %zu", i);
		printf("parent: page %zu reads \"%s\"\n", i, p);
		if (strcmp(p, want) || p[page_size - 1] != 'a' + (int)(i % 26))
			bad++;
	}

	if (write(sv[0], "?", 1) != 1)
		die("parent", "write(socket)");
	if (read(sv[0], &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		die("parent", "read(socket)");
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("parent", "waitpid");
	printf("parent: handler process served %llu pages, read %llu messages\n",
	       (unsigned long long)rep.served, (unsigned long long)rep.messages);
	if (rep.error) {
		fprintf(stderr, "raw_remote_handler (handler): %s\n", strerror(rep.error));
		bad++;
	}
	printf("parent: handler process exited with status %d\n",
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	if (bad || !WIFEXITED(st) || WEXITSTATUS(st) || rep.served != npages)
		return 1;
	printf("raw_remote_handler: ok\n");
	return 0;
}
