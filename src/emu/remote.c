/* SPDX-License-Identifier: MIT */
/*
 * An emulated uffd used from another process (docs/cross-process.md).
 *
 * A kernel uffd is bound to the memory of the process that created it; any
 * process holding the descriptor (received over SCM_RIGHTS, or inherited)
 * reads its messages and resolves its faults.  The emulated engine does
 * the same in two halves:
 *
 *  - messages: the queue lives in a memfd shared with every process that
 *    uses the uffd, and the descriptor is the pipe the tokens go through,
 *    so read() and poll() work in any process unchanged;
 *  - operations: an ioctl issued elsewhere is sent over a UNIX socket to
 *    the owner's service thread, which runs the very same code (ioctl.c
 *    emu_dispatch) on its own memory and sends back the result and the
 *    struct's write-backs.  Page contents for UFFDIO_COPY travel through a
 *    staging memfd of the connection.
 *
 * The owner listens on the abstract address "libuffd/<dev>:<ino>" of the
 * descriptor's pipe; a process holding the descriptor finds it from the
 * descriptor alone.  Both sides check SO_PEERCRED: same uid, or root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "emu/emu.h"
#include "base/real.h"
#include "emu/rpc.h"
#include "base/sys.h"

static socklen_t rpc_addr(struct sockaddr_un *sa, dev_t dev, ino_t ino)
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, RPC_ADDR_FMT,
		     (unsigned long long)dev, (unsigned long long)ino);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static bool peer_allowed(int fd, pid_t *pid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		return false;
	if (pid)
		*pid = cr.pid;
	return cr.uid == geteuid() || cr.uid == 0 || geteuid() == 0;
}

/* ---- the owner's side --------------------------------------------------- */

int remote_listen(struct emu_ctx *ctx)
{
	struct sockaddr_un sa;
	socklen_t len = rpc_addr(&sa, ctx->rdev, ctx->rino);
	int fd;

	ctx->lfd = -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, len) || listen(fd, 16)) {
		int err = -errno;

		real_close(fd);
		return err;
	}
	ctx->lfd = fd;
	return 0;
}

static int send_fds(int sock, const void *buf, size_t len, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(3 * sizeof(int))];
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (n) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, (size_t)n * sizeof(int));
	}
	return real_sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Caller: service thread, emu_lock held. */
/*
 * A new connection: checked against SO_PEERCRED, then kept with no staging
 * buffer until its HELLO arrives (remote_hello()).  Nothing here waits for
 * the client: the service thread holds emu_lock.
 */
void remote_accept(struct emu_ctx *ctx)
{
	struct rpc_hello_reply rep;
	struct rpc_conn *nc;
	pid_t peer = 0;
	int fd;

	fd = accept4(ctx->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (!peer_allowed(fd, &peer)) {
		memset(&rep, 0, sizeof(rep));
		rep.magic = RPC_MAGIC;
		rep.version = RPC_VERSION;
		rep.error = EPERM;
		send_fds(fd, &rep, sizeof(rep), NULL, 0);
		real_close(fd);
		return;
	}
	nc = realloc(ctx->conns, (size_t)(ctx->nconns + 1) * sizeof(*nc));
	if (!nc) {
		real_close(fd);
		return;
	}
	ctx->conns = nc;
	ctx->conns[ctx->nconns++] = (struct rpc_conn){ fd, NULL, peer };
}

/*
 * The client speaks first: HELLO, answered with the queue's memfd and a
 * staging memfd for page contents.  False when the connection is to be
 * dropped.  Caller: service thread.
 */
static bool remote_hello(struct emu_ctx *ctx, struct rpc_conn *c)
{
	struct rpc_hello hello;
	struct rpc_hello_reply rep;
	void *staging = MAP_FAILED;
	int stfd = -1, fds[3];
	ssize_t n;

	n = real_recv(c->fd, &hello, sizeof(hello), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n != sizeof(hello) || hello.magic != RPC_MAGIC || hello.op != RPC_HELLO)
		return false;
	memset(&rep, 0, sizeof(rep));
	rep.magic = RPC_MAGIC;
	rep.version = RPC_VERSION;
	if (hello.version != RPC_VERSION) {
		rep.error = EPROTONOSUPPORT;
		goto refuse;
	}
	stfd = memfd_create("libuffd-staging", MFD_CLOEXEC);
	if (stfd < 0 || ftruncate(stfd, RPC_STAGING))
		goto fail;
	staging = real_mmap(NULL, RPC_STAGING, PROT_READ | PROT_WRITE, MAP_SHARED, stfd, 0);
	if (staging == MAP_FAILED)
		goto fail;
	rep.flags = ctx->flags;
	rep.queue_size = sizeof(struct emu_shared);
	rep.staging_size = RPC_STAGING;
	fds[0] = ctx->shfd;
	fds[1] = stfd;
	fds[2] = ctx->wfd;	/* held, never written: see remote_connect() */
	if (send_fds(c->fd, &rep, sizeof(rep), fds, ctx->wfd >= 0 ? 3 : 2))
		goto fail;
	real_close(stfd);
	c->staging = staging;
	return true;
fail:
	rep.error = ENOMEM;
refuse:
	send_fds(c->fd, &rep, sizeof(rep), NULL, 0);
	if (staging != MAP_FAILED)
		real_munmap(staging, RPC_STAGING);
	if (stfd >= 0)
		real_close(stfd);
	return false;
}

/* Where the kernel writes back, per ioctl: [off, off + len) of the struct. */
struct wb {
	size_t in;		/* bytes read from the caller */
	size_t off, len;	/* bytes possibly written back */
	bool always;		/* API: written on every path */
};

static bool writeback_of(unsigned long request, struct wb *wb)
{
	memset(wb, 0, sizeof(*wb));
	switch (request) {
	case UFFDIO_API:
		*wb = (struct wb){ 24, 0, 24, true };
		return true;
	case UFFDIO_REGISTER:
		*wb = (struct wb){ 24, 24, 8, false };
		return true;
	case UFFDIO_UNREGISTER:
	case UFFDIO_WAKE:
		*wb = (struct wb){ 16, 0, 0, false };
		return true;
	case UFFDIO_COPY:
	case UFFDIO_MOVE:
		*wb = (struct wb){ 32, 32, 8, false };
		return true;
	case UFFDIO_ZEROPAGE:
	case UFFDIO_CONTINUE:
	case UFFDIO_POISON:
		*wb = (struct wb){ 24, 24, 8, false };
		return true;
	case UFFDIO_WRITEPROTECT:
		*wb = (struct wb){ 24, 0, 0, false };
		return true;
	}
	return false;
}

/* A value no operation writes into a result field. */
#define RPC_UNWRITTEN 0x5a5a5a5a5a5a5a5aULL

union rpc_arg {
	uint8_t raw[48];
	uint64_t q[6];
	struct uffdio_copy copy;
	struct uffdio_zeropage zero;
	struct uffdio_continue cont;
	struct uffdio_poison poison;
	struct uffdio_writeprotect wp;
	struct uffdio_range range;
};

/*
 * Turn the wake an operation would do into DONTWAKE; remember the range
 * (start, len = 0 when no wake is due).
 */
static void defer_wake(unsigned long request, union rpc_arg *u, uint64_t *start,
		       uint64_t *len)
{
	*len = 0;
	switch (request) {
	case UFFDIO_COPY:
		if (!(u->copy.mode & UFFDIO_COPY_MODE_DONTWAKE)) {
			*start = u->copy.dst;
			*len = 1;
			u->copy.mode |= UFFDIO_COPY_MODE_DONTWAKE;
		}
		break;
	case UFFDIO_ZEROPAGE:
	case UFFDIO_CONTINUE:
	case UFFDIO_POISON:
		/* Same layout: range, mode (DONTWAKE is bit 0 for all three). */
		if (!(u->zero.mode & 1)) {
			*start = u->zero.range.start;
			*len = 1;
			u->zero.mode |= 1;
		}
		break;
	case UFFDIO_WRITEPROTECT:
		if (!(u->wp.mode & (UFFDIO_WRITEPROTECT_MODE_WP |
				    UFFDIO_WRITEPROTECT_MODE_DONTWAKE))) {
			*start = u->wp.range.start;
			*len = u->wp.range.len;
			u->wp.mode |= UFFDIO_WRITEPROTECT_MODE_DONTWAKE;
		}
		break;
	case UFFDIO_WAKE:
		*start = u->range.start;
		*len = u->range.len;
		break;
	}
}

/* After the operation: what to wake (its result), with DONTWAKE undone. */
static void undefer_wake(unsigned long request, union rpc_arg *u, uint64_t *len,
			 int ret)
{
	__s64 done = 0;

	if (!*len)
		return;
	switch (request) {
	case UFFDIO_COPY:
		u->copy.mode &= ~UFFDIO_COPY_MODE_DONTWAKE;
		done = u->copy.copy;
		break;
	case UFFDIO_ZEROPAGE:
	case UFFDIO_CONTINUE:
	case UFFDIO_POISON:
		u->zero.mode &= ~1ULL;
		done = u->zero.zeropage;
		break;
	case UFFDIO_WRITEPROTECT:
		u->wp.mode &= ~UFFDIO_WRITEPROTECT_MODE_DONTWAKE;
		if (ret)
			*len = 0;
		return;
	case UFFDIO_WAKE:
		if (ret)
			*len = 0;
		return;
	}
	*len = done > 0 && done != (__s64)RPC_UNWRITTEN ? (uint64_t)done : 0;
}

/* One request from connection @i.  Caller: service thread (no lock held). */
bool remote_serve(struct emu_ctx *ctx, int i)
{
	struct rpc_conn *c = &ctx->conns[i];
	struct rpc_request rq;
	struct rpc_reply rp;
	union rpc_arg u;
	uint64_t wake_start = 0, wake_len;
	struct wb wb;
	ssize_t n;
	bool ok;

	if (!c->staging)
		return remote_hello(ctx, c);
	n = real_recv(c->fd, &rq, sizeof(rq), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n != sizeof(rq) || rq.magic != RPC_MAGIC || rq.op != RPC_IOCTL)
		return false;
	memset(&rp, 0, sizeof(rp));
	rp.id = rq.id;
	memcpy(u.raw, rq.arg, sizeof(u.raw));
	/*
	 * Reply before waking the faulters: a woken thread may end its
	 * process -- this service thread with it -- and the caller would see
	 * its successful ioctl fail.  So the operation runs with DONTWAKE and
	 * the wake the caller asked for comes after the reply.
	 */
	wake_len = 0;
	if (!writeback_of(rq.request, &wb) || rq.request == UFFDIO_MOVE) {
		/* MOVE acts only within the caller's own mm (spec 7.8). */
		rp.ret = -EINVAL;
	} else {
		defer_wake(rq.request, &u, &wake_start, &wake_len);
		if (!wb.always && wb.len)
			u.q[wb.off / 8] = RPC_UNWRITTEN;
		if (rq.request == UFFDIO_WAKE)
			rp.ret = (ctx_features(ctx) & EMU_FEAT_INITIALIZED) ?
				 validate_range(wake_start, wake_len) : -EINVAL;
		else if (rq.request == UFFDIO_COPY)
			rp.ret = (ctx_features(ctx) & EMU_FEAT_INITIALIZED) ?
				 op_copy_from(ctx, u.raw, c->staging,
					      rq.src_ok < RPC_STAGING ? rq.src_ok : RPC_STAGING) :
				 -EINVAL;
		else
			rp.ret = emu_dispatch(ctx, rq.request, u.raw);
		undefer_wake(rq.request, &u, &wake_len, rp.ret);
	}
	memcpy(rp.arg, u.raw, sizeof(rp.arg));
	/*
	 * Never wait for a client: one that sends requests without reading
	 * the replies (ours waits for each) would stop this thread, and with
	 * it every other client.  A full socket buffer drops the connection.
	 */
	ok = real_send(c->fd, &rp, sizeof(rp), MSG_NOSIGNAL | MSG_DONTWAIT) ==
	     (ssize_t)sizeof(rp);
	if (wake_len) {
		wake_range(ctx, wake_start, wake_len);
		queue_drain_stale_hint(ctx);
	}
	return ok;
}

void remote_close_all(struct emu_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->nconns; i++) {
		if (ctx->conns[i].fd >= 0)
			real_close(ctx->conns[i].fd);
		if (ctx->conns[i].staging)
			real_munmap(ctx->conns[i].staging, RPC_STAGING);
	}
	free(ctx->conns);
	ctx->conns = NULL;
	ctx->nconns = 0;
	if (ctx->lfd >= 0)
		real_close(ctx->lfd);
	ctx->lfd = -1;
}

/* ---- the client's side ----------------------------------------------------- */

static int recv_fds(int sock, void *buf, size_t len, int *fds, int max)
{
	char cbuf[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { buf, len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int n = 0;
	ssize_t r;

	r = real_recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (r != (ssize_t)len)
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		int k, cnt;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (k = 0; k < cnt; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + (size_t)k * sizeof(int), sizeof(fd));
			if (n < max)
				fds[n++] = fd;
			else
				real_close(fd);
		}
	}
	return n;
}

/*
 * Connect to the owner of the uffd whose pipe is (dev, ino); on success
 * *queue and *staging are mapped and *flags, *owner set.
 *
 * The owner also sends a write end of the pipe (an owner of an older
 * libuffd may not).  A process using the uffd keeps one, never writing to
 * it, in *wfd when that is -1: so the descriptor never hangs up when the
 * owner has gone -- like a kernel uffd whose mm has exited, it is simply
 * never ready again, and a blocking read() waits (spec 2.1).
 */
static int remote_connect(dev_t dev, ino_t ino, int *connp,
			  struct emu_shared **queue, void **staging, int *flags,
			  pid_t *owner, int *wfd, struct timespec *born)
{
	struct stat qst;
	struct sockaddr_un sa;
	socklen_t len = rpc_addr(&sa, dev, ino);
	struct rpc_hello hello = { RPC_MAGIC, RPC_VERSION, RPC_HELLO };
	struct rpc_hello_reply rep;
	int fd, fds[3] = { -1, -1, -1 }, n, err = -ESRCH;
	void *q = MAP_FAILED, *st = MAP_FAILED;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, len))
		goto out;
	if (!peer_allowed(fd, owner)) {
		err = -EPERM;
		goto out;
	}
	if (real_send(fd, &hello, sizeof(hello), MSG_NOSIGNAL) != sizeof(hello))
		goto out;
	n = recv_fds(fd, &rep, sizeof(rep), fds, 3);
	if (n < 0 || rep.magic != RPC_MAGIC)
		goto out;
	if (rep.error) {
		err = -rep.error;
		goto out;
	}
	if (rep.version != RPC_VERSION || n < 2 ||
	    rep.queue_size != sizeof(struct emu_shared) ||
	    rep.staging_size != RPC_STAGING) {
		err = -EPROTONOSUPPORT;
		goto out;
	}
	if (born && !real_fstat(fds[0], &qst))
		*born = qst.st_mtim;	/* the uffd's times (fdview.c) */
	if (queue && !*queue) {
		q = real_mmap(NULL, rep.queue_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fds[0], 0);
		if (q == MAP_FAILED)
			goto out;
		if (((struct emu_shared *)q)->magic != EMU_SHARED_MAGIC) {
			real_munmap(q, rep.queue_size);
			err = -EPROTONOSUPPORT;
			goto out;
		}
		*queue = q;
	}
	st = real_mmap(NULL, RPC_STAGING, PROT_READ | PROT_WRITE, MAP_SHARED, fds[1], 0);
	if (st == MAP_FAILED) {
		if (q != MAP_FAILED) {
			real_munmap(q, rep.queue_size);
			*queue = NULL;
		}
		goto out;
	}
	*staging = st;
	*flags = rep.flags;
	*connp = fd;
	fd = -1;
	if (*wfd < 0 && fds[2] >= 0) {
		*wfd = fds[2];
		fds[2] = -1;
	}
	err = 0;
out:
	for (n = 0; n < 3; n++)
		if (fds[n] >= 0)
			real_close(fds[n]);
	if (fd >= 0)
		real_close(fd);
	return err;
}

/* Copy what is readable of [src, src + len) page by page: bytes copied. */
static size_t copy_readable(void *dst, uintptr_t src, size_t len)
{
	size_t done = 0;

	while (done < len) {
		size_t k = EMU_PAGE_SIZE - ((src + done) & (EMU_PAGE_SIZE - 1));

		if (k > len - done)
			k = len - done;
		if (safe_read((char *)dst + done, (void *)(src + done), k))
			break;
		done += k;
	}
	return done;
}

/* One request/reply exchange.  Caller holds ctx->conn_lock. */
static int call(struct emu_ctx *ctx, unsigned long request, const void *in,
		uint32_t src_ok, void *out)
{
	struct rpc_request rq;
	struct rpc_reply rp;
	ssize_t n;

	memset(out, 0x5a, sizeof(rp.arg));	/* RPC_UNWRITTEN if we fail */
	memset(&rq, 0, sizeof(rq));
	rq.magic = RPC_MAGIC;
	rq.op = RPC_IOCTL;
	rq.id = ++ctx->next_id;
	rq.request = request;
	rq.src_ok = src_ok;
	memcpy(rq.arg, in, sizeof(rq.arg));
	if (real_send(ctx->conn, &rq, sizeof(rq), MSG_NOSIGNAL) != sizeof(rq))
		return -ESRCH;
	do
		n = real_recv(ctx->conn, &rp, sizeof(rp), 0);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(rp) || rp.id != rq.id)
		return -ESRCH;
	memcpy(out, rp.arg, sizeof(rp.arg));
	return rp.ret;
}

/*
 * The owner is gone: as the kernel once the uffd's mm has exited (spec
 * 2.1), after the checks that come first -- argument validation EINVAL,
 * then REGISTER/UNREGISTER ENOMEM, the fill ioctls ESRCH (result field
 * untouched), WAKE 0 (it never looks at the mm).
 */
static int owner_gone(unsigned long request, const uint8_t *in)
{
	const struct uffdio_range *r = (const void *)in;
	uint64_t mode = 0;
	int err;

	switch (request) {
	case UFFDIO_REGISTER:
		mode = ((const struct uffdio_register *)in)->mode;
		if (!mode || (mode & ~(uint64_t)UFFD_ALL_REGISTER_MODES))
			return -EINVAL;
		return validate_range(r->start, r->len) ?: -ENOMEM;
	case UFFDIO_UNREGISTER:
		return validate_range(r->start, r->len) ?: -ENOMEM;
	case UFFDIO_WAKE:
		return validate_range(r->start, r->len);
	case UFFDIO_COPY: {
		const struct uffdio_copy *c = (const void *)in;

		err = validate_unaligned_range(c->src, c->len);
		if (!err)
			err = validate_range(c->dst, c->len);
		if (!err && (c->mode & ~(UFFDIO_COPY_MODE_DONTWAKE | UFFDIO_COPY_MODE_WP)))
			err = -EINVAL;
		return err ?: -ESRCH;
	}
	case UFFDIO_WRITEPROTECT:
		mode = ((const struct uffdio_writeprotect *)in)->mode;
		err = validate_range(r->start, r->len);
		if (!err && ((mode & ~(UFFDIO_WRITEPROTECT_MODE_WP |
				       UFFDIO_WRITEPROTECT_MODE_DONTWAKE)) ||
			     (mode & UFFDIO_WRITEPROTECT_MODE_WP &&
			      mode & UFFDIO_WRITEPROTECT_MODE_DONTWAKE)))
			err = -EINVAL;
		return err ?: -ESRCH;
	default:	/* ZEROPAGE, CONTINUE, POISON: range, mode, ESRCH */
		mode = ((const struct uffdio_zeropage *)in)->mode;
		err = validate_range(r->start, r->len);
		if (!err && (mode & ~(uint64_t)(request == UFFDIO_CONTINUE ? 3 : 1)))
			err = -EINVAL;
		return err ?: -ESRCH;
	}
}

static int ensure_connected(struct emu_ctx *ctx)
{
	struct emu_shared *q = ctx->sh;
	int flags;
	pid_t owner;

	if (ctx->conn >= 0)
		return 0;
	return remote_connect(ctx->rdev, ctx->rino, &ctx->conn, &q, &ctx->staging,
			      &flags, &owner, &ctx->wfd, NULL);
}

int remote_ioctl(struct emu_ctx *ctx, unsigned long request, void *arg)
{
	uint8_t in[48], out[48];
	struct wb wb;
	sigset_t saved;
	int r = 0;

	if (request == UFFDIO_MOVE) {
		/* Only in the uffd's own mm (spec 7.8): EINVAL, field untouched. */
		if (safe_read(in, arg, 32))
			return -EFAULT;
		return -EINVAL;
	}
	/* The handshake lives in the shared queue: done here, as the kernel. */
	if (request == UFFDIO_API)
		return op_api(ctx, arg);
	if (!(ctx_features(ctx) & EMU_FEAT_INITIALIZED))
		return -EINVAL;
	if (!writeback_of(request, &wb))
		return -EINVAL;
	memset(in, 0, sizeof(in));
	if (safe_read(in, arg, wb.in))
		return -EFAULT;

	emu_lock_acquire(&saved);	/* async signals off while we talk */
	pthread_mutex_lock(&ctx->conn_lock);
	if (ensure_connected(ctx)) {
		r = owner_gone(request, in);
		goto out;
	}
	if (request == UFFDIO_COPY) {
		struct uffdio_copy c;
		uint64_t done = 0;

		memcpy(&c, in, sizeof(c));
		/* Page contents through the staging area, a slice at a time. */
		do {
			struct uffdio_copy part = c;
			uint64_t k = c.len - done;
			uint32_t ok;

			if (k > RPC_STAGING)
				k = RPC_STAGING;
			part.dst = c.dst + done;
			part.src = c.src + done;
			part.len = k;
			ok = (uint32_t)copy_readable(ctx->staging, (uintptr_t)part.src,
						     (size_t)k);
			memcpy(in, &part, 32);
			r = call(ctx, request, in, ok, out);
			memcpy(&part.copy, out + 32, 8);
			if (r == -ESRCH && part.copy == (__s64)RPC_UNWRITTEN)
				goto out;
			if (part.copy > 0)
				done += (uint64_t)part.copy;
			if (r || c.len == done)
				break;
		} while (done < c.len);
		/* The whole copy's result, as one kernel call would report it. */
		if (done && done < c.len) {
			__s64 v = (__s64)done;

			memcpy(out + 32, &v, 8);
			r = -EAGAIN;
		} else if (done == c.len) {
			__s64 v = (__s64)done;

			memcpy(out + 32, &v, 8);
		}
	} else {
		r = call(ctx, request, in, 0, out);
	}
	if (r == -ESRCH && ctx->conn >= 0) {
		/* Distinguish "owner gone" from the operation's own ESRCH. */
		struct pollfd p = { ctx->conn, 0, 0 };

		if (real_poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR))) {
			r = owner_gone(request, in);
			goto out;
		}
	}
	/* The caller's struct gets exactly what the kernel would write. */
	if (wb.len) {
		uint64_t v;

		memcpy(&v, out + wb.off, 8);
		if (wb.always ? r != -EFAULT :
		    request == UFFDIO_REGISTER ? r == 0 : v != RPC_UNWRITTEN) {
			if (safe_write((char *)arg + wb.off, out + wb.off, wb.len))
				r = -EFAULT;
		}
	}
out:
	pthread_mutex_unlock(&ctx->conn_lock);
	emu_lock_release(&saved);
	return r;
}

/*
 * A descriptor this process does not know: the read end of another
 * process's emulated uffd?  If its owner answers at the pipe's address,
 * adopt it: map the shared queue and route its ioctls to the owner.
 */
bool emu_adopt(int fd)
{
	struct emu_shared *q = NULL;
	struct emu_ctx *ctx;
	void *staging = NULL;
	struct timespec born = { 0, 0 };
	struct stat st;
	sigset_t saved;
	int conn, flags, err, wfd = -1;
	pid_t owner;

	if (fd < 0 || fdtab_get(fd) || real_fstat(fd, &st) || !S_ISFIFO(st.st_mode))
		return false;
	if ((real_fcntl(fd, F_GETFL, 0) & O_ACCMODE) != O_RDONLY)
		return false;
	err = remote_connect(st.st_dev, st.st_ino, &conn, &q, &staging, &flags,
			     &owner, &wfd, &born);
	if (err)
		return false;
	emu_lock_acquire(&saved);
	if (!(ctx = ctx_alloc())) {
		emu_lock_release(&saved);
		real_munmap(q, sizeof(*q));
		real_munmap(staging, RPC_STAGING);
		real_close(conn);
		if (wfd >= 0)
			real_close(wfd);
		return false;
	}
	ctx->owner = owner;
	ctx->flags = flags;
	ctx->wfd = wfd;
	ctx->shfd = -1;
	ctx->lfd = -1;
	ctx->sh = q;
	ctx->rdev = st.st_dev;
	ctx->rino = st.st_ino;
	ctx->born = born;
	ctx->remote = true;
	ctx->conn = conn;
	ctx->staging = staging;
	pthread_mutex_init(&ctx->conn_lock, NULL);
	atomic_store(&ctx->user_fd, fd);
	atomic_store(&ctx->refs, 0);
	atomic_store(&ctx->nfds, 1);
	atomic_store(&ctx->state, CTX_LIVE);
	fdtab_set(fd, ctx->index);
	emu_lock_release(&saved);
	return true;
}

/* Client side: this process closed its last copy of a remote uffd. */
void remote_forget(struct emu_ctx *ctx)
{
	if (ctx->conn >= 0)
		real_close(ctx->conn);
	if (ctx->staging)
		real_munmap(ctx->staging, RPC_STAGING);
	ctx->conn = -1;
	ctx->staging = NULL;
}
