/* SPDX-License-Identifier: MIT */
/*
 * raw_xproc_server - a fault handler serving another process's memory,
 * written against <linux/userfaultfd.h> and the C library only (no
 * libuffd).
 *
 *	raw_xproc_server SOCKFD
 *
 * The process whose memory is paged starts this program with one end of a
 * connected UNIX stream socket as descriptor SOCKFD, and sends over it,
 * in one sendmsg():
 *
 *	struct region { u64 base, len, page_size; }   + SCM_RIGHTS: the userfaultfd
 *
 * The server answers one byte 'r' when it has the descriptor, then reads
 * fault messages and resolves each with UFFDIO_COPY of page i's contents,
 * from a buffer in its own memory (EEXIST: UFFDIO_WAKE), until the socket
 * becomes readable: one byte 'q' (or end of file).  It then writes
 *
 *	struct report { u64 served, messages, eexist; s32 error, pad; }
 *
 * and exits, 0 when nothing failed.
 *
 * Page i's contents (the client checks them): 64-bit words, word j (for
 * j < page_size / 8 - 1) = mix(i << 20 + j), the last word the sum of the
 * others, mix being splitmix64's finaliser of (x + 0x9e3779b97f4a7c15).
 *
 * Natively the descriptor must be a kernel userfaultfd.  Under
 * `uffd run` (the preload shim) it may also be an emulated one: the shim
 * recognises it when it arrives (recvmsg) and routes read(), poll() and
 * ioctl() to the process that created it (docs/cross-process.md).
 */
#define _GNU_SOURCE
#include <errno.h>
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

struct region {
	uint64_t base;
	uint64_t len;
	uint64_t page_size;
};

struct report {
	uint64_t served;	/* successful UFFDIO_COPYs */
	uint64_t messages;	/* fault messages read */
	uint64_t eexist;	/* COPY found the page present: woken instead */
	int32_t error;		/* errno of the first failure, 0 if none */
	int32_t pad;
};

static void die(const char *what)
{
	fprintf(stderr, "raw_xproc_server: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t mix(uint64_t idx, uint64_t j)
{
	uint64_t z = (idx << 20) + j + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill(uint64_t *w, uint64_t idx, uint64_t page_size)
{
	uint64_t sum = 0, j, n = page_size / 8;

	for (j = 0; j + 1 < n; j++) {
		w[j] = mix(idx, j);
		sum += w[j];
	}
	w[n - 1] = sum;
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

/* Resolve the fault at @addr; 0, or the errno of a failure. */
static int serve(int uffd, const struct region *r, uint64_t *src, uint64_t addr,
		 struct report *rep)
{
	struct uffdio_copy copy;
	uint64_t idx;

	if (addr < r->base || addr - r->base >= r->len)
		return ERANGE;
	idx = (addr - r->base) / r->page_size;
	fill(src, idx, r->page_size);
	memset(&copy, 0, sizeof(copy));
	copy.dst = r->base + idx * r->page_size;
	copy.src = (uintptr_t)src;		/* in *this* process */
	copy.len = r->page_size;
	if (ioctl(uffd, UFFDIO_COPY, &copy) == 0) {
		rep->served++;
		return 0;
	}
	if (errno == EEXIST) {
		struct uffdio_range wr = { copy.dst, copy.len };

		rep->eexist++;
		return ioctl(uffd, UFFDIO_WAKE, &wr) ? errno : 0;
	}
	return errno;
}

int main(int argc, char **argv)
{
	struct report rep;
	struct region r;
	struct pollfd pfd[2];
	uint64_t *src;
	int sock, uffd;
	char c;

	if (argc != 2) {
		fprintf(stderr, "usage: raw_xproc_server SOCKFD\n");
		return 2;
	}
	sock = atoi(argv[1]);
	memset(&rep, 0, sizeof(rep));
	uffd = recv_fd(sock, &r, sizeof(r));
	if (uffd < 0)
		die("recvmsg(SCM_RIGHTS)");
	if (!r.page_size || r.page_size % 8 || r.len % r.page_size)
		die("bad region");
	src = mmap(NULL, r.page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED)
		die("mmap");
	if (write(sock, "r", 1) != 1)
		die("write(socket)");

	pfd[0].fd = uffd;
	pfd[0].events = POLLIN;
	pfd[1].fd = sock;
	pfd[1].events = POLLIN;
	while (!rep.error) {
		struct uffd_msg msg[32];
		ssize_t n, i;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[1].revents)
			break;			/* 'q', or the client is gone */
		if (!(pfd[0].revents & POLLIN))
			continue;
		n = read(uffd, msg, sizeof(msg));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0 || n % (ssize_t)sizeof(msg[0])) {
			rep.error = n < 0 ? errno : EIO;
			break;
		}
		for (i = 0; i < n / (ssize_t)sizeof(msg[0]) && !rep.error; i++) {
			rep.messages++;
			if (msg[i].event != UFFD_EVENT_PAGEFAULT)
				rep.error = EPROTO;
			else
				rep.error = serve(uffd, &r, src,
						  msg[i].arg.pagefault.address, &rep);
		}
	}
	if (rep.error)
		fprintf(stderr, "raw_xproc_server: %s\n", strerror(rep.error));
	/* Wait for the client's 'q' (or its end) before the report. */
	if (read(sock, &c, 1) < 0)
		die("read(socket)");
	if (write(sock, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		die("write(socket)");
	close(uffd);
	return rep.error ? 1 : 0;
}
