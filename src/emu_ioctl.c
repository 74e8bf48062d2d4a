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
#include "emu.h"
#include "sys.h"

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
		return (int)syscall(SYS_ioctl, fd, request, arg);
	}
	if (ctx->owner != sys_getpid()) {
		/* Inherited by a fork child: the memory is the parent's. */
		ctx_put(ctx);
		errno = ESRCH;
		return -1;
	}
	if (!(ctx_features(ctx) & EMU_FEAT_INITIALIZED) && request != UFFDIO_API) {
		r = -EINVAL;
		goto out;
	}
	switch (request) {
	case UFFDIO_API:
		r = op_api(ctx, arg);
		break;
	case UFFDIO_REGISTER:
		r = op_register(ctx, arg);
		break;
	case UFFDIO_UNREGISTER:
		r = op_unregister(ctx, arg);
		break;
	case UFFDIO_WAKE:
		r = op_wake(ctx, arg);
		break;
	case UFFDIO_COPY:
		r = op_copy(ctx, arg);
		break;
	case UFFDIO_ZEROPAGE:
		r = op_zeropage(ctx, arg);
		break;
	case UFFDIO_WRITEPROTECT:
		r = op_writeprotect(ctx, arg);
		break;
	case UFFDIO_POISON:
		r = op_poison(ctx, arg);
		break;
	case UFFDIO_MOVE:
		r = op_move(ctx, arg);
		break;
	default:
		r = -EINVAL;
		break;
	}
out:
	ctx_put(ctx);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

/* Features and masks of this engine, for uffd_probe_engine(). */
int emu_probe_api(struct uffd_engine_info *info)
{
	info->features = emu_features();
	info->ioctls = UFFD_API_IOCTLS_618;
	info->range_ioctls = UFFD_API_RANGE_IOCTLS_618 &
			     ~((uint64_t)1 << _UFFDIO_WRITEPROTECT |
			       (uint64_t)1 << _UFFDIO_CONTINUE);
	info->user_mode_only = 1;
	snprintf(info->path, sizeof(info->path), "guard markers + SIGSEGV");
	return 0;
}
