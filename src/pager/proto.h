/* SPDX-License-Identifier: MIT */
/*
 * The page-server wire protocol (docs/pager.md, "Page-server protocol").
 * Every field is little-endian; every message is a fixed-size header,
 * followed for READ replies by the page entries and the data pages.
 *
 *	client				server
 *	hello {magic, version}	-->
 *				<--	welcome {magic, version, status,
 *					         page_size, npages}
 *	request {READ, count, first} -->
 *				<--	reply {status, count, first}
 *					entry[count] {crc32c, flags}
 *					data of each page without IMG_F_ZERO
 *	request {BYE} -->		(the server closes)
 *
 * Requests may be pipelined: replies come in request order.  A failed
 * request gets a reply with status = errno and nothing after it.
 */
#ifndef LIBUFFD_PAGER_PROTO_H
#define LIBUFFD_PAGER_PROTO_H

#include <stdint.h>

#define PROTO_MAGIC	"UFPS"
#define PROTO_VERSION	1
#define PROTO_MAX_PAGES	256	/* pages per READ */

#define PROTO_READ	1
#define PROTO_BYE	2

struct proto_hello {
	char magic[4];
	uint32_t version;
};

struct proto_welcome {
	char magic[4];
	uint32_t version;
	uint32_t status;	/* 0, or an errno: the image cannot be served */
	uint32_t page_size;
	uint64_t npages;
};

struct proto_req {
	uint32_t op;
	uint32_t count;
	uint64_t first;
};

struct proto_reply {
	uint32_t status;
	uint32_t count;
	uint64_t first;
};

_Static_assert(sizeof(struct proto_hello) == 8, "hello");
_Static_assert(sizeof(struct proto_welcome) == 24, "welcome");
_Static_assert(sizeof(struct proto_req) == 16, "request");
_Static_assert(sizeof(struct proto_reply) == 16, "reply");

#endif
