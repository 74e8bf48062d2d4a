/* SPDX-License-Identifier: MIT */
/*
 * An emulated uffd as a file descriptor: what read(), readv(), close() and
 * the dup family do with it (called by src/interpose/fd.c once the fd table
 * says the descriptor is ours).  The kernel's userfaultfd_read_iter() and
 * userfaultfd_release() are the model.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include "emu/emu.h"
#include "base/real.h"

static ssize_t ret_errno(ssize_t r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

ssize_t emu_fd_read(uint32_t idx, int fd, void *buf, size_t count, bool nowait)
{
	struct emu_ctx *ctx = ctx_acquire(idx);
	ssize_t r;

	if (!ctx) {
		errno = EBADF;
		return -1;
	}
	r = queue_read(ctx, fd, buf, count, nowait);
	ctx_put(ctx);
	return ret_errno(r);
}

/* read_iter() of a uffd: whole messages, scattered over the iovecs. */
ssize_t emu_fd_readv(uint32_t idx, int fd, const struct iovec *iov, int iovcnt,
		     bool nowait)
{
	struct uffd_msg msgs[64];
	size_t total = 0, off = 0;
	ssize_t r;
	int i;

	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > sizeof(msgs))
		total = sizeof(msgs);
	r = emu_fd_read(idx, fd, msgs, total, nowait);
	if (r <= 0)
		return r;
	for (i = 0; i < iovcnt && off < (size_t)r; i++) {
		size_t k = iov[i].iov_len;

		if (k > (size_t)r - off)
			k = (size_t)r - off;
		if (safe_write(iov[i].iov_base, (char *)msgs + off, k)) {
			errno = EFAULT;
			return off ? (ssize_t)off : -1;
		}
		off += k;
	}
	return r;
}

/*
 * @fd no longer names context @idx (about to be closed or replaced).
 * ctx->nfds counts this process's descriptors of a context: a context
 * another process owns is let go when the last one is closed.
 */
void emu_fd_forget(int fd, uint32_t idx)
{
	struct emu_ctx *ctx = ctx_get(idx);
	int expect = fd;

	if (ctx && fdtab_get(fd) == idx)
		atomic_fetch_sub(&ctx->nfds, 1);
	fdtab_set(fd, 0);
	if (ctx)
		atomic_compare_exchange_strong(&ctx->user_fd, &expect, -1);
}

/* @fd names context @idx too (a dup). */
void emu_fd_remember(int fd, uint32_t idx)
{
	struct emu_ctx *ctx = ctx_get(idx);
	int expect = -1;

	if (ctx && fdtab_get(fd) != idx)
		atomic_fetch_add(&ctx->nfds, 1);
	fdtab_set(fd, idx);
	if (ctx)
		atomic_compare_exchange_strong(&ctx->user_fd, &expect, fd);
}

/* A descriptor of context @idx was closed: release it if it was the last. */
void emu_fd_closed(uint32_t idx)
{
	struct emu_ctx *ctx = ctx_get(idx);

	if (ctx)
		ctx_check_closed(ctx);
}

/* close() of an emulated uffd, as the kernel's last-fput would go. */
int emu_fd_close(int fd, uint32_t idx)
{
	int r, e;

	emu_fd_forget(fd, idx);
	r = real_close(fd);
	e = errno;
	emu_fd_closed(idx);
	errno = e;
	return r;
}

bool emu_is_uffd(int fd)
{
	return fdtab_get(fd) != 0;
}
