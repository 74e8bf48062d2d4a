/* SPDX-License-Identifier: MIT */
/*
 * libuffd - the Linux userfaultfd uAPI, everywhere.
 *
 * This header provides the complete userfaultfd uAPI of Linux 6.18 (taken
 * from the system <linux/userfaultfd.h> where present, completed here where
 * the installed headers are older) and the small libuffd API:
 *
 *	uffd_open()         like userfaultfd(2); engine chosen by $UFFD_ENGINE
 *	uffd_open_engine()  the same with an explicit engine
 *	uffd_ioctl()        like ioctl(2) on a kernel userfaultfd
 *	uffd_engine()       "kernel", "emulated" or NULL
 *
 * read(), poll(), epoll and close() are used directly on the descriptor.
 */
#ifndef LIBUFFD_UFFD_H
#define LIBUFFD_UFFD_H

#include <stddef.h>
#include <linux/types.h>
#include <linux/ioctl.h>

#if defined(__has_include)
#if __has_include(<linux/userfaultfd.h>)
#include <linux/userfaultfd.h>
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Everything up to Linux 6.1 (Debian 12's headers).  Only defined when the
 * system header is missing altogether.
 */
#ifndef _LINUX_USERFAULTFD_H
#define _LINUX_USERFAULTFD_H

#define USERFAULTFD_IOC		0xAA
#define USERFAULTFD_IOC_NEW	_IO(USERFAULTFD_IOC, 0x00)

#define UFFD_API		((__u64)0xAA)

#define _UFFDIO_REGISTER	(0x00)
#define _UFFDIO_UNREGISTER	(0x01)
#define _UFFDIO_WAKE		(0x02)
#define _UFFDIO_COPY		(0x03)
#define _UFFDIO_ZEROPAGE	(0x04)
#define _UFFDIO_WRITEPROTECT	(0x06)
#define _UFFDIO_CONTINUE	(0x07)
#define _UFFDIO_API		(0x3F)

#define UFFDIO			0xAA

struct uffd_msg {
	__u8	event;
	__u8	reserved1;
	__u16	reserved2;
	__u32	reserved3;
	union {
		struct {
			__u64	flags;
			__u64	address;
			union {
				__u32 ptid;
			} feat;
		} pagefault;
		struct {
			__u32	ufd;
		} fork;
		struct {
			__u64	from;
			__u64	to;
			__u64	len;
		} remap;
		struct {
			__u64	start;
			__u64	end;
		} remove;
		struct {
			__u64	reserved1;
			__u64	reserved2;
			__u64	reserved3;
		} reserved;
	} arg;
} __attribute__((packed));

#define UFFD_EVENT_PAGEFAULT	0x12
#define UFFD_EVENT_FORK		0x13
#define UFFD_EVENT_REMAP	0x14
#define UFFD_EVENT_REMOVE	0x15
#define UFFD_EVENT_UNMAP	0x16

#define UFFD_PAGEFAULT_FLAG_WRITE	(1 << 0)
#define UFFD_PAGEFAULT_FLAG_WP		(1 << 1)
#define UFFD_PAGEFAULT_FLAG_MINOR	(1 << 2)

struct uffdio_api {
	__u64 api;
	__u64 features;
	__u64 ioctls;
};

#define UFFD_FEATURE_PAGEFAULT_FLAG_WP		(1 << 0)
#define UFFD_FEATURE_EVENT_FORK			(1 << 1)
#define UFFD_FEATURE_EVENT_REMAP		(1 << 2)
#define UFFD_FEATURE_EVENT_REMOVE		(1 << 3)
#define UFFD_FEATURE_MISSING_HUGETLBFS		(1 << 4)
#define UFFD_FEATURE_MISSING_SHMEM		(1 << 5)
#define UFFD_FEATURE_EVENT_UNMAP		(1 << 6)
#define UFFD_FEATURE_SIGBUS			(1 << 7)
#define UFFD_FEATURE_THREAD_ID			(1 << 8)
#define UFFD_FEATURE_MINOR_HUGETLBFS		(1 << 9)
#define UFFD_FEATURE_MINOR_SHMEM		(1 << 10)
#define UFFD_FEATURE_EXACT_ADDRESS		(1 << 11)
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM		(1 << 12)

struct uffdio_range {
	__u64 start;
	__u64 len;
};

struct uffdio_register {
	struct uffdio_range range;
#define UFFDIO_REGISTER_MODE_MISSING	((__u64)1 << 0)
#define UFFDIO_REGISTER_MODE_WP		((__u64)1 << 1)
#define UFFDIO_REGISTER_MODE_MINOR	((__u64)1 << 2)
	__u64 mode;
	__u64 ioctls;
};

struct uffdio_copy {
	__u64 dst;
	__u64 src;
	__u64 len;
#define UFFDIO_COPY_MODE_DONTWAKE	((__u64)1 << 0)
#define UFFDIO_COPY_MODE_WP		((__u64)1 << 1)
	__u64 mode;
	__s64 copy;
};

struct uffdio_zeropage {
	struct uffdio_range range;
#define UFFDIO_ZEROPAGE_MODE_DONTWAKE	((__u64)1 << 0)
	__u64 mode;
	__s64 zeropage;
};

struct uffdio_writeprotect {
	struct uffdio_range range;
#define UFFDIO_WRITEPROTECT_MODE_WP		((__u64)1 << 0)
#define UFFDIO_WRITEPROTECT_MODE_DONTWAKE	((__u64)1 << 1)
	__u64 mode;
};

struct uffdio_continue {
	struct uffdio_range range;
#define UFFDIO_CONTINUE_MODE_DONTWAKE	((__u64)1 << 0)
	__u64 mode;
	__s64 mapped;
};

#define UFFDIO_API		_IOWR(UFFDIO, _UFFDIO_API, struct uffdio_api)
#define UFFDIO_REGISTER		_IOWR(UFFDIO, _UFFDIO_REGISTER, struct uffdio_register)
#define UFFDIO_UNREGISTER	_IOR(UFFDIO, _UFFDIO_UNREGISTER, struct uffdio_range)
#define UFFDIO_WAKE		_IOR(UFFDIO, _UFFDIO_WAKE, struct uffdio_range)
#define UFFDIO_COPY		_IOWR(UFFDIO, _UFFDIO_COPY, struct uffdio_copy)
#define UFFDIO_ZEROPAGE		_IOWR(UFFDIO, _UFFDIO_ZEROPAGE, struct uffdio_zeropage)
#define UFFDIO_WRITEPROTECT	_IOWR(UFFDIO, _UFFDIO_WRITEPROTECT, struct uffdio_writeprotect)
#define UFFDIO_CONTINUE		_IOWR(UFFDIO, _UFFDIO_CONTINUE, struct uffdio_continue)

#define UFFD_USER_MODE_ONLY	1

#endif /* !_LINUX_USERFAULTFD_H */

/* Older system headers (before 5.7 / 5.13) lack these. */
#ifndef _UFFDIO_WRITEPROTECT
#define _UFFDIO_WRITEPROTECT	(0x06)
struct uffdio_writeprotect {
	struct uffdio_range range;
#define UFFDIO_WRITEPROTECT_MODE_WP		((__u64)1 << 0)
#define UFFDIO_WRITEPROTECT_MODE_DONTWAKE	((__u64)1 << 1)
	__u64 mode;
};
#define UFFDIO_WRITEPROTECT	_IOWR(UFFDIO, _UFFDIO_WRITEPROTECT, struct uffdio_writeprotect)
#endif
#ifndef _UFFDIO_CONTINUE
#define _UFFDIO_CONTINUE	(0x07)
struct uffdio_continue {
	struct uffdio_range range;
#define UFFDIO_CONTINUE_MODE_DONTWAKE	((__u64)1 << 0)
	__u64 mode;
	__s64 mapped;
};
#define UFFDIO_CONTINUE		_IOWR(UFFDIO, _UFFDIO_CONTINUE, struct uffdio_continue)
#endif
#ifndef UFFDIO_REGISTER_MODE_MINOR
#define UFFDIO_REGISTER_MODE_MINOR	((__u64)1 << 2)
#endif
#ifndef UFFD_PAGEFAULT_FLAG_MINOR
#define UFFD_PAGEFAULT_FLAG_MINOR	(1 << 2)
#endif
#ifndef UFFD_FEATURE_SIGBUS
#define UFFD_FEATURE_SIGBUS			(1 << 7)
#define UFFD_FEATURE_THREAD_ID			(1 << 8)
#endif
#ifndef UFFD_FEATURE_MINOR_HUGETLBFS
#define UFFD_FEATURE_MINOR_HUGETLBFS		(1 << 9)
#endif
#ifndef UFFD_FEATURE_MINOR_SHMEM
#define UFFD_FEATURE_MINOR_SHMEM		(1 << 10)
#endif
#ifndef UFFD_FEATURE_EXACT_ADDRESS
#define UFFD_FEATURE_EXACT_ADDRESS		(1 << 11)
#endif

/* Linux 6.1 .. 6.18 additions, each guarded on its own. */
#ifndef USERFAULTFD_IOC
#define USERFAULTFD_IOC		0xAA
#endif
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW	_IO(USERFAULTFD_IOC, 0x00)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY	1
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM	(1 << 12)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)
#endif
#ifndef UFFD_FEATURE_POISON
#define UFFD_FEATURE_POISON		(1 << 14)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC		(1 << 15)
#endif
#ifndef UFFD_FEATURE_MOVE
#define UFFD_FEATURE_MOVE		(1 << 16)
#endif
#ifndef UFFDIO_CONTINUE_MODE_WP
#define UFFDIO_CONTINUE_MODE_WP		((__u64)1 << 1)
#endif

#ifndef _UFFDIO_MOVE
#define _UFFDIO_MOVE		(0x05)
struct uffdio_move {
	__u64 dst;
	__u64 src;
	__u64 len;
#define UFFDIO_MOVE_MODE_DONTWAKE		((__u64)1 << 0)
#define UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES	((__u64)1 << 1)
	__u64 mode;
	__s64 move;
};
#define UFFDIO_MOVE		_IOWR(UFFDIO, _UFFDIO_MOVE, struct uffdio_move)
#endif

#ifndef _UFFDIO_POISON
#define _UFFDIO_POISON		(0x08)
struct uffdio_poison {
	struct uffdio_range range;
#define UFFDIO_POISON_MODE_DONTWAKE	((__u64)1 << 0)
	__u64 mode;
	__s64 updated;
};
#define UFFDIO_POISON		_IOWR(UFFDIO, _UFFDIO_POISON, struct uffdio_poison)
#endif

/*
 * The kernel's aggregate masks, always as of 6.18 (the system header's
 * versions, when present, describe the kernel the header came from).
 */
#define UFFD_ALL_REGISTER_MODES	(UFFDIO_REGISTER_MODE_MISSING | \
				 UFFDIO_REGISTER_MODE_WP | \
				 UFFDIO_REGISTER_MODE_MINOR)
#define UFFD_ALL_FEATURES	((__u64)0x1ffff)
#define UFFD_API_IOCTLS_618	((__u64)1 << _UFFDIO_REGISTER | \
				 (__u64)1 << _UFFDIO_UNREGISTER | \
				 (__u64)1 << _UFFDIO_API)
#define UFFD_API_RANGE_IOCTLS_618 ((__u64)1 << _UFFDIO_WAKE | \
				 (__u64)1 << _UFFDIO_COPY | \
				 (__u64)1 << _UFFDIO_ZEROPAGE | \
				 (__u64)1 << _UFFDIO_MOVE | \
				 (__u64)1 << _UFFDIO_WRITEPROTECT | \
				 (__u64)1 << _UFFDIO_CONTINUE | \
				 (__u64)1 << _UFFDIO_POISON)
#define UFFD_API_RANGE_IOCTLS_BASIC_618 ((__u64)1 << _UFFDIO_WAKE | \
				 (__u64)1 << _UFFDIO_COPY | \
				 (__u64)1 << _UFFDIO_WRITEPROTECT | \
				 (__u64)1 << _UFFDIO_CONTINUE | \
				 (__u64)1 << _UFFDIO_POISON)

/*
 * The uAPI is a binary contract: check it at every compile.  The values are
 * the x86-64 (and generic ioctl encoding) ones of Linux 6.18.
 */
#ifdef __cplusplus
#define UFFD_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define UFFD_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
UFFD_STATIC_ASSERT(sizeof(struct uffd_msg) == 32, "uffd_msg size");
UFFD_STATIC_ASSERT(offsetof(struct uffd_msg, arg) == 8, "uffd_msg.arg");
UFFD_STATIC_ASSERT(offsetof(struct uffd_msg, arg.pagefault.flags) == 8, "pagefault.flags");
UFFD_STATIC_ASSERT(offsetof(struct uffd_msg, arg.pagefault.address) == 16, "pagefault.address");
UFFD_STATIC_ASSERT(offsetof(struct uffd_msg, arg.pagefault.feat.ptid) == 24, "pagefault.ptid");
UFFD_STATIC_ASSERT(offsetof(struct uffd_msg, arg.fork.ufd) == 8, "fork.ufd");
UFFD_STATIC_ASSERT(offsetof(struct uffd_msg, arg.remap.len) == 24, "remap.len");
UFFD_STATIC_ASSERT(offsetof(struct uffd_msg, arg.remove.end) == 16, "remove.end");
UFFD_STATIC_ASSERT(sizeof(struct uffdio_range) == 16, "uffdio_range");
UFFD_STATIC_ASSERT(sizeof(struct uffdio_api) == 24, "uffdio_api");
UFFD_STATIC_ASSERT(sizeof(struct uffdio_register) == 32, "uffdio_register");
UFFD_STATIC_ASSERT(offsetof(struct uffdio_register, ioctls) == 24, "register.ioctls");
UFFD_STATIC_ASSERT(sizeof(struct uffdio_copy) == 40, "uffdio_copy");
UFFD_STATIC_ASSERT(offsetof(struct uffdio_copy, copy) == 32, "copy.copy");
UFFD_STATIC_ASSERT(sizeof(struct uffdio_zeropage) == 32, "uffdio_zeropage");
UFFD_STATIC_ASSERT(offsetof(struct uffdio_zeropage, zeropage) == 24, "zeropage.zeropage");
UFFD_STATIC_ASSERT(sizeof(struct uffdio_writeprotect) == 24, "uffdio_writeprotect");
UFFD_STATIC_ASSERT(sizeof(struct uffdio_continue) == 32, "uffdio_continue");
UFFD_STATIC_ASSERT(offsetof(struct uffdio_continue, mapped) == 24, "continue.mapped");
UFFD_STATIC_ASSERT(sizeof(struct uffdio_poison) == 32, "uffdio_poison");
UFFD_STATIC_ASSERT(offsetof(struct uffdio_poison, updated) == 24, "poison.updated");
UFFD_STATIC_ASSERT(sizeof(struct uffdio_move) == 40, "uffdio_move");
UFFD_STATIC_ASSERT(offsetof(struct uffdio_move, move) == 32, "move.move");
UFFD_STATIC_ASSERT(UFFD_API == 0xAA, "UFFD_API");
UFFD_STATIC_ASSERT(USERFAULTFD_IOC_NEW == 0xAA00, "USERFAULTFD_IOC_NEW");
UFFD_STATIC_ASSERT(UFFDIO_REGISTER == 0xC020AA00UL, "UFFDIO_REGISTER");
UFFD_STATIC_ASSERT(UFFDIO_UNREGISTER == 0x8010AA01UL, "UFFDIO_UNREGISTER");
UFFD_STATIC_ASSERT(UFFDIO_WAKE == 0x8010AA02UL, "UFFDIO_WAKE");
UFFD_STATIC_ASSERT(UFFDIO_COPY == 0xC028AA03UL, "UFFDIO_COPY");
UFFD_STATIC_ASSERT(UFFDIO_ZEROPAGE == 0xC020AA04UL, "UFFDIO_ZEROPAGE");
UFFD_STATIC_ASSERT(UFFDIO_MOVE == 0xC028AA05UL, "UFFDIO_MOVE");
UFFD_STATIC_ASSERT(UFFDIO_WRITEPROTECT == 0xC018AA06UL, "UFFDIO_WRITEPROTECT");
UFFD_STATIC_ASSERT(UFFDIO_CONTINUE == 0xC020AA07UL, "UFFDIO_CONTINUE");
UFFD_STATIC_ASSERT(UFFDIO_POISON == 0xC020AA08UL, "UFFDIO_POISON");
UFFD_STATIC_ASSERT(UFFDIO_API == 0xC018AA3FUL, "UFFDIO_API");
UFFD_STATIC_ASSERT(UFFD_EVENT_PAGEFAULT == 0x12 && UFFD_EVENT_UNMAP == 0x16, "events");
UFFD_STATIC_ASSERT(UFFD_FEATURE_MOVE == 0x10000, "UFFD_FEATURE_MOVE");
UFFD_STATIC_ASSERT(UFFD_API_IOCTLS_618 == 0x8000000000000003ULL, "API ioctls");
UFFD_STATIC_ASSERT(UFFD_API_RANGE_IOCTLS_618 == 0x1fc, "range ioctls");
UFFD_STATIC_ASSERT(UFFD_API_RANGE_IOCTLS_BASIC_618 == 0x1cc, "basic range ioctls");

/* ---------------------------------------------------------------------- */
/* The libuffd API                                                        */
/* ---------------------------------------------------------------------- */

enum uffd_engine_kind {
	UFFD_ENGINE_AUTO,	/* kernel when usable, else emulated */
	UFFD_ENGINE_KERNEL,	/* the kernel's userfaultfd */
	UFFD_ENGINE_EMULATED,	/* libuffd's user-space implementation */
};

/*
 * Create a userfaultfd.  @flags: O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY.
 * The engine is chosen by $UFFD_ENGINE (auto, kernel or emulated; default
 * auto).  Returns a file descriptor, or -1 with errno set; uffd_diagnostic()
 * then explains why and what would fix it.
 */
int uffd_open(int flags);

/* As uffd_open() with an explicit engine; $UFFD_ENGINE is ignored. */
int uffd_open_engine(int flags, enum uffd_engine_kind kind);

/* ioctl(2) on a userfaultfd of either engine, with the kernel's semantics. */
int uffd_ioctl(int fd, unsigned long request, void *arg);

/* "kernel", "emulated", or NULL when @fd is not a userfaultfd. */
const char *uffd_engine(int fd);

/*
 * Why the last uffd_open*() of the calling thread failed and what would fix
 * it, as one line of text.  After a success: empty when the engine asked
 * for was used; when `auto` fell back to the emulated engine, why the
 * kernel engine was not used ("emulated engine chosen; kernel engine not
 * used: ...").
 */
const char *uffd_diagnostic(void);

/* What an engine can do on this host, for tools such as `uffd probe`. */
struct uffd_engine_info {
	enum uffd_engine_kind kind;
	int usable;		/* uffd_open_engine(0, kind) would succeed */
	int error;		/* errno when not usable */
	int user_mode_only;	/* usable only with UFFD_USER_MODE_ONLY */
	char path[64];		/* how it was created, e.g. "/dev/userfaultfd" */
	__u64 features;		/* UFFDIO_API features */
	__u64 ioctls;		/* UFFDIO_API ioctls */
	__u64 range_ioctls;	/* REGISTER ioctls for anonymous memory */
	char reason[256];	/* why it is not usable */
	char fix[256];		/* what would make it usable */
};
int uffd_probe_engine(enum uffd_engine_kind kind, struct uffd_engine_info *info);

/*
 * What happens to threads waiting on a fault nobody resolves -- a libuffd
 * extension; the kernel has none (its threads wait forever).  A fault is
 * orphaned when it stays unresolved for @timeout_ms (0: 1000 ms), or, on
 * the emulated engine, as soon as the process that read its message from
 * another process dies.  Set it in the process that created the uffd
 * (ENOTSUP elsewhere); on the kernel engine, before or after registering.
 * docs/cross-process.md gives the exact behaviour per engine.  The environment variable UFFD_ORPHAN_POLICY
 * (wait|sigbus|zerofill[:MS]) sets it for every uffd_open(), e.g. for
 * programs run under the preload shim.
 */
enum uffd_orphan_policy {
	UFFD_ORPHAN_WAIT,	/* keep waiting: the kernel's behaviour (default) */
	UFFD_ORPHAN_SIGBUS,	/* SIGBUS the faulting thread */
	UFFD_ORPHAN_ZEROFILL,	/* resolve with a zero page (or write access) */
};
int uffd_set_orphan_policy(int fd, enum uffd_orphan_policy policy,
			   unsigned int timeout_ms);

/* Names: "THREAD_ID" for UFFD_FEATURE_THREAD_ID, "COPY" for _UFFDIO_COPY... */
const char *uffd_feature_name(__u64 feature_bit);
const char *uffd_ioctl_name(unsigned int nr);
const char *uffd_event_name(unsigned int event);

#ifdef __cplusplus
}
#endif

#endif /* LIBUFFD_UFFD_H */
