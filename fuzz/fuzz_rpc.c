/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the cross-process wire protocol of the emulated engine
 * (src/emu/rpc.h).  A client sending garbage to the process that owns an
 * emulated uffd must never crash it, hang it, or change its memory outside
 * what the uffd ioctls it asked for may change.
 *
 * The owner is a child process: it opens an emulated uffd, registers part
 * of a window of memory at a fixed address, hands the descriptor to this
 * process (SCM_RIGHTS, only to learn the pipe's identity and so the
 * owner's address), and then only watches a canary buffer of its own heap
 * while its service thread serves clients.  Each input is a session: a
 * connection, a HELLO (valid, or fuzzed bytes), then packets: well-formed
 * requests with fuzzed fields and fuzzed ioctl numbers, or raw bytes of any
 * length.  Address ranges in well-formed requests are folded into the
 * owner's window (a uffd holder may legitimately register any memory of
 * the owner, which would only make the owner's own threads wait).
 * After every input the owner must still be alive, its canary intact, and
 * it must answer a fresh, valid session.
 *
 * UFFDIO_MOVE may name sources outside the window (among them the
 * canary): the kernel refuses MOVE on a uffd of another mm (EINVAL), so no
 * client may move the owner's memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "uffd.h"
#include "emu/rpc.h"

#define RPC_STAGING_SIZE (4u << 20)	/* as in src/emu/emu.h */
#define PG		4096UL
#define WIN		((uint64_t)0x3f0000000000ULL)
#define WPAGES		32
#define CANARY_PAGES	16


/* libFuzzer's timer (SIGALRM) interrupts blocking calls: retry them. */
#define RETRY(call) ({ ssize_t r_; do r_ = (call); while (r_ < 0 && errno == EINTR); r_; })

static pid_t owner = -1;
static struct sockaddr_un owner_sa;
static socklen_t owner_salen;
static char *canary;		/* same address in the owner (forked) */

static void die(const char *what)
{
	fprintf(stderr, "fuzz_rpc: %s: %s\n", what, strerror(errno));
	abort();
}

/* ---- the owner ---------------------------------------------------------------- */

static void owner_main(int sock)
{
	char *w;
	int fd, i;
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	char cm[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { "u", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm,
			     .msg_controllen = sizeof(cm) };
	struct cmsghdr *c;

	/* Our own copy of the canary, not shared copy-on-write with the parent. */
	for (i = 0; i < CANARY_PAGES * (int)PG; i += (int)PG)
		canary[i] = (char)(i * 7 + 1);
	fd = uffd_open_engine(O_CLOEXEC | O_NONBLOCK, UFFD_ENGINE_EMULATED);
	if (fd < 0 || uffd_ioctl(fd, UFFDIO_API, &api))
		_exit(77);
	w = mmap((void *)(uintptr_t)WIN, WPAGES * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (w != (void *)(uintptr_t)WIN)
		_exit(78);
	memset(w + 2 * PG, 0x22, PG);
	memset(w + 20 * PG, 0x44, PG);
	reg = (struct uffdio_register){ { WIN, 16 * PG }, UFFDIO_REGISTER_MODE_MISSING, 0 };
	if (uffd_ioctl(fd, UFFDIO_REGISTER, &reg))
		_exit(79);
	reg = (struct uffdio_register){ { WIN + 16 * PG, 8 * PG },
					UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP, 0 };
	if (uffd_ioctl(fd, UFFDIO_REGISTER, &reg))
		_exit(79);
	memset(cm, 0, sizeof(cm));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &mh, 0) != 1)
		_exit(80);
	/* Serve (the engine's service thread) and watch the canary. */
	for (;;) {
		struct pollfd p = { sock, POLLIN, 0 };

		if (poll(&p, 1, 20) > 0)
			_exit(0);		/* the fuzzer is gone */
		for (i = 0; i < CANARY_PAGES * (int)PG; i++)
			if (canary[i] != (char)(i * 7 + 1))
				_exit(42);	/* a client changed our memory */
	}
}

static void owner_check(const char *when)
{
	int st;
	pid_t r = waitpid(owner, &st, WNOHANG);

	if (r == 0 && !strcmp(when, "after a failure")) {
		int i;

		/* It may be on its way out (the canary is checked every 20 ms). */
		for (i = 0; i < 100 && r == 0; i++) {
			usleep(20000);
			r = waitpid(owner, &st, WNOHANG);
		}
	}

	if (r == owner) {
		fprintf(stderr, "fuzz_rpc: the owner died %s: %s %d%s\n", when,
			WIFSIGNALED(st) ? "signal" : "exit status",
			WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
			WIFEXITED(st) && WEXITSTATUS(st) == 42 ?
			" (its memory was changed by a client)" : "");
		abort();
	}
}

static void setup(void)
{
	int sv[2], fd, i;
	char b;
	char cm[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm,
			     .msg_controllen = sizeof(cm) };
	struct stat st;
	int n;

	signal(SIGPIPE, SIG_IGN);
	canary = mmap(NULL, CANARY_PAGES * PG, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (canary == MAP_FAILED)
		die("mmap");
	for (i = 0; i < CANARY_PAGES * (int)PG; i++)
		canary[i] = (char)(i * 7 + 1);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	owner = fork();
	if (owner < 0)
		die("fork");
	if (owner == 0) {
		close(sv[0]);
		owner_main(sv[1]);
	}
	close(sv[1]);
	if (RETRY(recvmsg(sv[0], &mh, 0)) != 1 || !CMSG_FIRSTHDR(&mh)) {
		owner_check("at start");
		die("no descriptor from the owner");
	}
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	/*
	 * The pipe's identity, from the system call: libuffd's fstat() shows
	 * an emulated uffd as the kernel's anonymous inode.
	 */
	if (syscall(SYS_fstat, fd, &st))
		die("fstat");
	/* Our copy of the descriptor is only its name; keep sv[0] open. */
	memset(&owner_sa, 0, sizeof(owner_sa));
	owner_sa.sun_family = AF_UNIX;
	n = snprintf(owner_sa.sun_path + 1, sizeof(owner_sa.sun_path) - 1, RPC_ADDR_FMT,
		     (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	owner_salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	/* Not through close(): the library would adopt and release it. */
	(void)fd;
}

/* ---- input decoding -------------------------------------------------------------- */

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t u64(struct in *in)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)u8(in) << (8 * i);
	return v;
}

static const unsigned long requests[] = {
	UFFDIO_API, UFFDIO_REGISTER, UFFDIO_UNREGISTER, UFFDIO_WAKE, UFFDIO_COPY,
	UFFDIO_ZEROPAGE, UFFDIO_WRITEPROTECT, UFFDIO_CONTINUE, UFFDIO_POISON,
	UFFDIO_MOVE,
};

/* An address inside the owner's window (page aligned, mostly). */
static uint64_t win_addr(struct in *in)
{
	uint64_t v = WIN + (uint64_t)(u8(in) % WPAGES) * PG;

	if (u8(in) % 8 == 0)
		v += u8(in);
	return v;
}

static uint64_t any_len(struct in *in)
{
	switch (u8(in) % 6) {
	case 0: case 1: case 2:
		return (uint64_t)(1 + u8(in) % 4) * PG;
	case 3:
		return (uint64_t)(1 + u8(in) % WPAGES) * PG;
	case 4:
		return u8(in);
	default:
		return u64(in);
	}
}

/*
 * Fold a range that could be valid into the window, so that no request can
 * register or fill memory of the owner other than the window.
 */
static void fold(uint64_t *start, uint64_t len)
{
	uint64_t end = WIN + WPAGES * PG;

	if (*start >= WIN && *start < end && len <= end - *start)
		return;
	if (!len || (len & (PG - 1)) || len >= (1ULL << 47))
		return;				/* fails validation anyway */
	*start = WIN + (*start % (WPAGES * PG) & ~(PG - 1));
	if (len > end - *start)
		*start = end - (len < WPAGES * PG ? len : WPAGES * PG);
}

/* Build a well-formed request with fuzzed fields. */
static void make_request(struct in *in, struct rpc_request *rq)
{
	uint64_t f[6];
	int i;

	memset(rq, 0, sizeof(*rq));
	rq->magic = u8(in) % 16 ? RPC_MAGIC : (uint32_t)u64(in);
	rq->op = u8(in) % 16 ? RPC_IOCTL : u8(in);
	rq->id = u64(in);
	rq->request = u8(in) % 8 ? requests[u8(in) % 10] : u64(in);
	rq->src_ok = u8(in) % 4 ? (uint32_t)(u8(in) % 4) * PG : (uint32_t)u64(in);
	for (i = 0; i < 6; i++)
		f[i] = u64(in);
	switch (rq->request) {
	case UFFDIO_REGISTER:
	case UFFDIO_UNREGISTER:
	case UFFDIO_WAKE:
	case UFFDIO_ZEROPAGE:
	case UFFDIO_WRITEPROTECT:
	case UFFDIO_CONTINUE:
	case UFFDIO_POISON:
		if (u8(in) % 4)
			f[0] = win_addr(in), f[1] = any_len(in);
		if (rq->request == UFFDIO_REGISTER && u8(in) % 4)
			f[2] = 1 + u8(in) % 3;
		else if (rq->request != UFFDIO_REGISTER && u8(in) % 4)
			f[2] = u8(in) % 4;
		fold(&f[0], f[1]);
		break;
	case UFFDIO_COPY:
	case UFFDIO_MOVE:
		if (u8(in) % 4)
			f[0] = win_addr(in), f[2] = any_len(in);
		if (u8(in) % 2)
			f[1] = win_addr(in);
		else if (rq->request == UFFDIO_MOVE && u8(in) % 2)
			f[1] = (uint64_t)(uintptr_t)canary + (u8(in) % CANARY_PAGES) * PG;
		if (u8(in) % 4)
			f[3] = u8(in) % 4;
		fold(&f[0], f[2]);
		break;
	case UFFDIO_API:
		if (u8(in) % 4)
			f[0] = UFFD_API;
		break;
	default:
		/* An unknown request: its struct must not matter. */
		break;
	}
	memcpy(rq->arg, f, sizeof(rq->arg));
}

/* ---- a session --------------------------------------------------------------------- */

static int connect_owner(void)
{
	struct timeval tv = { 5, 0 };
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (s < 0)
		die("socket");
	if (connect(s, (struct sockaddr *)&owner_sa, owner_salen)) {
		owner_check("after a failure");
		die("connect to the owner");
	}
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return s;
}

/* Receive a HELLO reply, closing any descriptors; the staging mapping or NULL. */
static void *hello_reply(int s, bool *ok)
{
	struct rpc_hello_reply rep;
	char cm[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { &rep, sizeof(rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm,
			     .msg_controllen = sizeof(cm) };
	struct cmsghdr *c;
	void *staging = NULL;
	ssize_t n;
	int k = 0;

	memset(cm, 0, sizeof(cm));
	n = RETRY(recvmsg(s, &mh, MSG_CMSG_CLOEXEC));
	if (n < 0)
		mh.msg_controllen = 0;
	*ok = n == (ssize_t)sizeof(rep) && rep.magic == RPC_MAGIC && !rep.error;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		int cnt = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int)), i, fd;

		for (i = 0; i < cnt; i++, k++) {
			memcpy(&fd, CMSG_DATA(c) + (size_t)i * sizeof(int), sizeof(int));
			if (k == 1 && *ok)
				staging = mmap(NULL, RPC_STAGING_SIZE, PROT_READ | PROT_WRITE,
					       MAP_SHARED, fd, 0);
			close(fd);
		}
	}
	if (staging == MAP_FAILED)
		staging = NULL;
	return staging;
}

/* A valid session with a harmless request: the owner must answer it. */
static void owner_alive(void)
{
	struct rpc_hello h = { RPC_MAGIC, RPC_VERSION, RPC_HELLO };
	struct rpc_request rq;
	struct rpc_reply rp;
	void *staging;
	bool ok;
	int s = connect_owner();

	if (RETRY(send(s, &h, sizeof(h), MSG_NOSIGNAL)) != sizeof(h))
		die("send hello");
	staging = hello_reply(s, &ok);
	if (!ok) {
		int e = errno;

		owner_check("after a failure");
		fprintf(stderr, "fuzz_rpc: the owner does not answer a valid HELLO "
			"(%s)\n", strerror(e));
		abort();
	}
	memset(&rq, 0, sizeof(rq));
	rq.magic = RPC_MAGIC;
	rq.op = RPC_IOCTL;
	rq.id = 77;
	rq.request = UFFDIO_WAKE;
	memcpy(rq.arg, (uint64_t[2]){ WIN, PG }, 16);
	memset(&rp, 0, sizeof(rp));
	{
		ssize_t sn = RETRY(send(s, &rq, sizeof(rq), MSG_NOSIGNAL)), rn = -2;
		int e = errno;

		if (sn == (ssize_t)sizeof(rq)) {
			rn = RETRY(recv(s, &rp, sizeof(rp), 0));
			e = errno;
		}
		if (sn != (ssize_t)sizeof(rq) || rn != (ssize_t)sizeof(rp) ||
		    rp.id != 77 || rp.ret != 0) {
			owner_check("after a failure");
			fprintf(stderr, "fuzz_rpc: the owner does not serve a valid "
				"request: send %zd recv %zd (%s) id %llu ret %lld\n",
				sn, rn, strerror(e), (unsigned long long)rp.id,
				(long long)rp.ret);
			abort();
		}
	}
	if (staging)
		munmap(staging, RPC_STAGING_SIZE);
	close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct in in = { data, size };
	uint8_t buf[256];
	void *staging = NULL;
	bool ok = false;
	int s, npk = 0;

	if (!ready) {
		setup();
		ready = true;
	}
	s = connect_owner();
	if (u8(&in) % 8) {
		struct rpc_hello h = { RPC_MAGIC, RPC_VERSION, RPC_HELLO };

		if (u8(&in) % 8 == 0)
			h.version = u8(&in);
		if (RETRY(send(s, &h, sizeof(h), MSG_NOSIGNAL)) == sizeof(h))
			staging = hello_reply(s, &ok);
	} else {
		size_t n = u8(&in) % 32;
		size_t i;

		for (i = 0; i < n; i++)
			buf[i] = u8(&in);
		if (RETRY(send(s, buf, n, MSG_NOSIGNAL)) == (ssize_t)n)
			staging = hello_reply(s, &ok);
	}
	while (ok && in.n && npk++ < 16) {
		if (u8(&in) % 4) {
			struct rpc_request rq;
			struct rpc_reply rp;
			ssize_t r;

			make_request(&in, &rq);
			if (staging && u8(&in) % 2)
				memset(staging, u8(&in), 3 * PG);
			if (RETRY(send(s, &rq, sizeof(rq), MSG_NOSIGNAL)) != sizeof(rq))
				break;
			r = RETRY(recv(s, &rp, sizeof(rp), 0));
			if (r < 0 && errno == EAGAIN) {
				owner_check("after a failure");
				fprintf(stderr, "fuzz_rpc: no reply within 5 s\n");
				abort();
			}
			if (r != sizeof(rp))
				break;		/* dropped: a malformed request */
			if (rp.id != rq.id) {
				fprintf(stderr, "fuzz_rpc: reply id %llu for request %llu\n",
					(unsigned long long)rp.id,
					(unsigned long long)rq.id);
				abort();
			}
		} else {
			size_t n = u8(&in), i;

			for (i = 0; i < n && i < sizeof(buf); i++)
				buf[i] = u8(&in);
			if (RETRY(send(s, buf, n < sizeof(buf) ? n : sizeof(buf), MSG_NOSIGNAL)) < 0)
				break;
		}
	}
	if (staging)
		munmap(staging, RPC_STAGING_SIZE);
	close(s);
	owner_check("after the input");
	owner_alive();
	return 0;
}
