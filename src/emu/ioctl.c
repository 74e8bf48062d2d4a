/* SPDX-License-Identifier: MIT */
/* ioctl(2) on an emulated uffd: the kernel's gate, then the operation. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "emu/emu.h"
#include "base/sys.h"

/* The kernel's userfaultfd_ioctl(): the UFFDIO_API gate, then the op. */
int emu_dispatch(struct emu_ctx *ctx, unsigned long request, void *arg)
{
	if (!(ctx_features(ctx) & EMU_FEAT_INITIALIZED) && request != UFFDIO_API)
		return -EINVAL;
	switch (request) {
	case UFFDIO_API:
		return op_api(ctx, arg);
	case UFFDIO_REGISTER:
		return op_register(ctx, arg);
	case UFFDIO_UNREGISTER:
		return op_unregister(ctx, arg);
	case UFFDIO_WAKE:
		return op_wake(ctx, arg);
	case UFFDIO_COPY:
		return op_copy(ctx, arg);
	case UFFDIO_ZEROPAGE:
		return op_zeropage(ctx, arg);
	case UFFDIO_WRITEPROTECT:
		return op_writeprotect(ctx, arg);
	case UFFDIO_POISON:
		return op_poison(ctx, arg);
	case UFFDIO_MOVE:
		return op_move(ctx, arg);
	case UFFDIO_CONTINUE:
		return op_continue(ctx, arg);
	}
	return -EINVAL;
}

int emu_ioctl(int fd, unsigned long request, void *arg)
{
	struct emu_ctx *ctx = ctx_from_fd(fd);
	int r;

	if (!ctx) {
		errno = EBADF;
		return -1;
	}
	switch (request) {
	case FIONBIO:
	case FIOCLEX:
	case FIONCLEX:
	case FIOASYNC:
		/* Handled by the VFS for every file, uffd included. */
		ctx_put(ctx);
		return sys_ioctl(fd, request, arg);
	}
	/* Memory of another process (fd received or inherited): ask it. */
	if (ctx->remote || ctx->owner != emu_pid())
		r = remote_ioctl(ctx, request, arg);
	else
		r = emu_dispatch(ctx, request, arg);
	ctx_put(ctx);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}
