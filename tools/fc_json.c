/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader for the VMM handshake (tools/fc_json.h): just enough
 * JSON -- objects, arrays, strings with escapes, numbers, true, false,
 * null -- to read an array of region objects and skip whatever else a
 * newer VMM adds.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fc_json.h"

struct rd {
	const char *s;
	size_t n, i;
	char *err;
	size_t errlen;
	int depth;
};

static int fail(struct rd *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct rd *r, const char *fmt, ...)
{
	va_list ap;
	int k;

	k = snprintf(r->err, r->errlen, "byte %zu: ", r->i);
	va_start(ap, fmt);
	if (k >= 0 && (size_t)k < r->errlen)
		vsnprintf(r->err + k, r->errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

static void ws(struct rd *r)
{
	while (r->i < r->n && isspace((unsigned char)r->s[r->i]))
		r->i++;
}

/* Is the next character @c (after blanks)?  Consumes it if so. */
static int eat(struct rd *r, char c)
{
	ws(r);
	if (r->i < r->n && r->s[r->i] == c) {
		r->i++;
		return 1;
	}
	return 0;
}

/* A string; its contents (escapes kept as they are) into @buf. */
static int string(struct rd *r, char *buf, size_t size)
{
	size_t k = 0;

	if (!eat(r, '"'))
		return fail(r, "expected a string");
	while (r->i < r->n && r->s[r->i] != '"') {
		if (r->s[r->i] == '\\' && ++r->i == r->n)
			break;
		if (buf && k + 1 < size)
			buf[k++] = r->s[r->i];
		r->i++;
	}
	if (r->i == r->n)
		return fail(r, "unterminated string");
	r->i++;
	if (buf)
		buf[k] = '\0';
	return 0;
}

/* A non-negative integer (no fraction, no exponent). */
static int number(struct rd *r, uint64_t *v)
{
	uint64_t x = 0;
	size_t start;

	ws(r);
	start = r->i;
	while (r->i < r->n && isdigit((unsigned char)r->s[r->i])) {
		unsigned d = (unsigned)(r->s[r->i] - '0');

		if (x > (UINT64_MAX - d) / 10)
			return fail(r, "number too large");
		x = x * 10 + d;
		r->i++;
	}
	if (r->i == start)
		return fail(r, "expected a non-negative integer");
	if (r->i < r->n && strchr(".eE", r->s[r->i]))
		return fail(r, "expected an integer");
	*v = x;
	return 0;
}

static int skip_value(struct rd *r);

/* The rest of a container after its opening bracket. */
static int skip_members(struct rd *r, char close, int keys)
{
	if (++r->depth > 64)
		return fail(r, "nested too deep");
	if (eat(r, close))
		goto done;
	do {
		if (keys && (string(r, NULL, 0) || !eat(r, ':')))
			return fail(r, "expected \"key\":");
		if (skip_value(r))
			return -1;
	} while (eat(r, ','));
	if (!eat(r, close))
		return fail(r, "expected ',' or '%c'", close);
done:
	r->depth--;
	return 0;
}

static int skip_value(struct rd *r)
{
	static const char *const words[] = { "true", "false", "null" };
	uint64_t v;
	size_t i;

	ws(r);
	if (r->i == r->n)
		return fail(r, "unexpected end");
	switch (r->s[r->i]) {
	case '{': r->i++; return skip_members(r, '}', 1);
	case '[': r->i++; return skip_members(r, ']', 0);
	case '"': return string(r, NULL, 0);
	case '-': r->i++; break;
	}
	for (i = 0; i < 3; i++)
		if (r->n - r->i >= strlen(words[i]) &&
		    !strncmp(r->s + r->i, words[i], strlen(words[i]))) {
			r->i += strlen(words[i]);
			return 0;
		}
	if (number(r, &v) == 0)
		return 0;
	/* A fraction or an exponent: skip the rest of the number. */
	while (r->i < r->n && strchr("0123456789.eE+-", r->s[r->i]))
		r->i++;
	return 0;
}

/* 4 and 2048 are KiB; 4096 and 2097152 bytes (versions differ). */
static uint64_t kib_field(uint64_t v)
{
	return v < 4096 ? v * 1024 : v;
}

static int region(struct rd *r, struct uffd_pager_region *g)
{
	enum { ADDR = 1, SIZE = 2, OFF = 4 };
	unsigned seen = 0;
	char key[32];
	uint64_t v, ps = 0, kib = 0;

	if (!eat(r, '{'))
		return fail(r, "expected a region object");
	memset(g, 0, sizeof(*g));
	if (!eat(r, '}')) {
		do {
			if (string(r, key, sizeof(key)) || !eat(r, ':'))
				return fail(r, "expected \"key\":");
			if (!strcmp(key, "base_host_virt_addr") ||
			    !strcmp(key, "size") || !strcmp(key, "offset") ||
			    !strcmp(key, "page_size") ||
			    !strcmp(key, "page_size_kib")) {
				if (number(r, &v))
					return fail(r, "\"%s\": expected a "
						    "non-negative integer", key);
			} else if (skip_value(r)) {
				return -1;
			} else {
				continue;
			}
			if (!strcmp(key, "base_host_virt_addr"))
				g->addr = v, seen |= ADDR;
			else if (!strcmp(key, "size"))
				g->len = v, seen |= SIZE;
			else if (!strcmp(key, "offset"))
				g->offset = v, seen |= OFF;
			else if (!strcmp(key, "page_size"))
				ps = v;
			else
				kib = kib_field(v);
		} while (eat(r, ','));
		if (!eat(r, '}'))
			return fail(r, "expected ',' or '}'");
	}
	if (seen != (ADDR | SIZE | OFF))
		return fail(r, "a region without %s",
			    !(seen & ADDR) ? "\"base_host_virt_addr\"" :
			    !(seen & SIZE) ? "\"size\"" : "\"offset\"");
	g->page_size = ps ? ps : kib;
	return 0;
}

int fc_parse_regions(const char *text, size_t len, struct uffd_pager_region *out,
		     size_t max, char *err, size_t errlen)
{
	struct rd r = { text, len, 0, err, errlen, 0 };
	size_t n = 0;

	if (!eat(&r, '['))
		return fail(&r, "expected a JSON array of regions");
	if (!eat(&r, ']')) {
		do {
			if (n == max)
				return fail(&r, "more than %zu regions", max);
			if (region(&r, &out[n]))
				return -1;
			n++;
		} while (eat(&r, ','));
		if (!eat(&r, ']'))
			return fail(&r, "expected ',' or ']'");
	}
	ws(&r);
	if (r.i != r.n)
		return fail(&r, "unexpected text after the array");
	if (!n)
		return fail(&r, "no regions");
	return (int)n;
}

int fc_complete(const char *text, size_t len)
{
	int depth = 0, str = 0, started = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = text[i];

		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = 0;
		} else if (c == '"') {
			str = 1;
		} else if (c == '[' || c == '{') {
			depth++;
			started = 1;
		} else if (c == ']' || c == '}') {
			if (--depth <= 0 && started)
				return 1;
		}
	}
	return 0;
}
