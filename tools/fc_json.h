/* SPDX-License-Identifier: MIT */
/*
 * The handshake a Firecracker-style VMM sends to its page-fault handler
 * (tools/handle.c): a JSON array of regions, one object each --
 *
 *	{"base_host_virt_addr": A, "size": N, "offset": O, "page_size": P}
 *
 * -- where older versions send "page_size_kib" instead of "page_size"
 * (in KiB; some versions put bytes in it: 4096 and 2097152 are bytes,
 * 4 and 2048 KiB).  Unknown keys are skipped, whatever their value.
 */
#ifndef UFFD_TOOLS_FC_JSON_H
#define UFFD_TOOLS_FC_JSON_H

#include <stddef.h>
#include "uffd_pager.h"

/*
 * Parse @len bytes of @text into at most @max regions: their count, or -1
 * with the reason in @err (e.g. "byte 17: expected a number").
 */
int fc_parse_regions(const char *text, size_t len, struct uffd_pager_region *out,
		     size_t max, char *err, size_t errlen);
/* Does @text hold a whole top-level JSON value yet (brackets balanced)? */
int fc_complete(const char *text, size_t len);

#endif
