/* SPDX-License-Identifier: MIT */
/* Output helpers of the `uffd` tool: bit-mask names and JSON. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include "cli.h"

const char *engine_kind_name(enum uffd_engine_kind kind)
{
	switch (kind) {
	case UFFD_ENGINE_AUTO:		return "auto";
	case UFFD_ENGINE_KERNEL:	return "kernel";
	case UFFD_ENGINE_EMULATED:	return "emulated";
	}
	return "?";
}

const char *feature_bit_name(unsigned int bit)
{
	return bit < 64 ? uffd_feature_name((__u64)1 << bit) : NULL;
}

const char *ioctl_bit_name(unsigned int bit)
{
	return uffd_ioctl_name(bit);
}

const char *mask_names(char *buf, size_t size, __u64 mask,
		       const char *(*name)(unsigned int bit))
{
	size_t len = 0;
	unsigned int bit;
	char one[16];

	if (!size)
		return buf;
	buf[0] = '\0';
	if (!mask) {
		snprintf(buf, size, "none");
		return buf;
	}
	for (bit = 0; bit < 64; bit++) {
		const char *s;
		int n;

		if (!(mask & ((__u64)1 << bit)))
			continue;
		s = name(bit);
		if (!s) {
			snprintf(one, sizeof(one), "bit %u", bit);
			s = one;
		}
		n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", s);
		if (n < 0 || (size_t)n >= size - len)
			break;		/* truncated; buf stays terminated */
		len += (size_t)n;
	}
	return buf;
}

void json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	if (!s) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':	fputs("\\\"", f); break;
		case '\\':	fputs("\\\\", f); break;
		case '\b':	fputs("\\b", f); break;
		case '\f':	fputs("\\f", f); break;
		case '\n':	fputs("\\n", f); break;
		case '\r':	fputs("\\r", f); break;
		case '\t':	fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

void json_mask(FILE *f, __u64 mask, const char *(*name)(unsigned int bit))
{
	unsigned int bit;
	int first = 1;
	char one[16];

	fprintf(f, "{\"mask\": %llu, \"hex\": \"0x%llx\", \"names\": [",
		(unsigned long long)mask, (unsigned long long)mask);
	for (bit = 0; bit < 64; bit++) {
		const char *s;

		if (!(mask & ((__u64)1 << bit)))
			continue;
		s = name(bit);
		if (!s) {
			snprintf(one, sizeof(one), "bit %u", bit);
			s = one;
		}
		fputs(first ? "" : ", ", f);
		json_str(f, s);
		first = 0;
	}
	fputs("]}", f);
}
