/* SPDX-License-Identifier: MIT */
/*
 * The wire protocol between a process using an emulated uffd it does not
 * own (it received the descriptor over SCM_RIGHTS, or inherited it) and
 * the process whose memory the uffd manages.  docs/cross-process.md describes
 * it for people; this is the definition.
 *
 * Transport: an AF_UNIX SOCK_SEQPACKET connection to the abstract address
 * "\0libuffd/<st_dev>:<st_ino>" of the descriptor's pipe, served by the
 * owner's service thread.  Both sides check SO_PEERCRED (same uid, or
 * root).  One packet per message, little-endian, fixed sizes.
 */
#ifndef LIBUFFD_RPC_H
#define LIBUFFD_RPC_H

#include <stdint.h>

#define RPC_MAGIC	0x50524655u	/* "UFRP" */
#define RPC_VERSION	1
#define RPC_ADDR_FMT	"libuffd/%llx:%llx"
#define RPC_STAGING	RPC_STAGING_SIZE	/* bytes of page contents per request */

enum rpc_op {
	RPC_HELLO = 1,		/* -> reply + SCM_RIGHTS [queue memfd, staging memfd,
				 *    the pipe's write end (optional: held,
				 *    never written, see remote_connect())] */
	RPC_IOCTL = 2,		/* one uffd ioctl, executed by the owner */
};

struct rpc_hello {
	uint32_t magic;
	uint16_t version;
	uint16_t op;		/* RPC_HELLO */
};

struct rpc_hello_reply {
	uint32_t magic;
	uint16_t version;	/* the owner's; the client refuses a mismatch */
	uint16_t pad;
	int32_t error;		/* 0, or the errno refusing the connection */
	int32_t flags;		/* the uffd's creation flags */
	uint32_t queue_size;	/* bytes of the queue memfd */
	uint32_t staging_size;	/* bytes of the staging memfd */
};

struct rpc_request {
	uint32_t magic;
	uint16_t op;		/* RPC_IOCTL */
	uint16_t pad;
	uint64_t id;		/* echoed in the reply */
	uint64_t request;	/* the ioctl command (UFFDIO_*) */
	uint32_t src_ok;	/* COPY: bytes of the source the client could read */
	uint32_t pad2;
	uint8_t arg[48];	/* the ioctl's struct as the client read it */
};

struct rpc_reply {
	uint64_t id;
	int32_t ret;		/* 0 or -errno, as the ioctl returns */
	uint32_t pad;
	uint8_t arg[48];	/* the struct after the operation (write-backs) */
};

#endif
