/* SPDX-License-Identifier: MIT */
/*
 * Store: Redis, through hiredis.  Built only when hiredis is installed
 * (mk/pager.mk defines LIBUFFD_HAVE_HIREDIS and links -lhiredis); without
 * it the two functions fail with ENOTSUP and say so.
 *
 * Layout (uffd_store_redis_import writes it from an image file):
 *
 *	PREFIX:meta	"UFFDIMG1", u32 version, u32 page size, u64 npages
 *	PREFIX:N	page N: u32 crc32c, u32 flags, then the page's data
 *			unless flags has IMG_F_ZERO (8 bytes in all then)
 *
 * A read of n pages is one MGET (one round trip); every data page is
 * checked against its checksum.  The meta key is written last: a
 * half-finished import cannot be opened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pager/pager.h"

#ifdef LIBUFFD_HAVE_HIREDIS
#include <hiredis/hiredis.h>
#include <signal.h>
#include <time.h>
#include <sys/time.h>

/*
 * hiredis writes with write(2): a server gone away would raise SIGPIPE and
 * kill the application.  Every exchange runs with SIGPIPE blocked, and a
 * SIGPIPE it raised is taken off the thread before unblocking.
 */
struct nopipe {
	sigset_t old;
	bool was_pending;
};

static void nopipe_begin(struct nopipe *n)
{
	sigset_t set, pend;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pend);
	n->was_pending = sigismember(&pend, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &n->old);
}

static void nopipe_end(struct nopipe *n)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (!n->was_pending)
		while (sigtimedwait(&set, NULL, &zero) > 0)
			;
	pthread_sigmask(SIG_SETMASK, &n->old, NULL);
}

struct redis_meta {
	char magic[8];
	uint32_t version, page_size;
	uint64_t npages;
};

struct redis_store {
	char host[256];
	int port;			/* 0: host is a UNIX socket path */
	char prefix[128];
	char name[256];
	unsigned timeout_ms;
	size_t ps;
	uint64_t npages;
	struct pool pool;
};

static int parse(struct redis_store *r, const char *addr)
{
	const char *colon;

	if (!addr || !*addr)
		return pager_fail(EINVAL, "redis: empty address");
	if (!strncmp(addr, "unix:", 5)) {
		snprintf(r->host, sizeof(r->host), "%s", addr + 5);
		r->port = 0;
		return 0;
	}
	colon = strrchr(addr, ':');
	if (!colon || colon == addr || !colon[1] ||
	    (size_t)(colon - addr) >= sizeof(r->host))
		return pager_fail(EINVAL, "redis %s: expected HOST:PORT or unix:PATH",
				  addr);
	memcpy(r->host, addr, (size_t)(colon - addr));
	r->host[colon - addr] = '\0';
	r->port = atoi(colon + 1);
	if (r->port <= 0 || r->port > 65535)
		return pager_fail(EINVAL, "redis %s: bad port", addr);
	return 0;
}

static void conn_destroy(void *c)
{
	redisFree(c);
}

/* errno for a context in error. */
static int ctx_errno(const redisContext *c)
{
	switch (c->err) {
	case REDIS_ERR_IO:
		return errno == EAGAIN ? ETIMEDOUT : errno ? errno : EIO;
	case REDIS_ERR_EOF:
		return ECONNRESET;
	case REDIS_ERR_PROTOCOL:
		return EPROTO;
	default:
		return EIO;
	}
}

static int conn_open(struct redis_store *r, redisContext **out)
{
	struct timeval tv = { r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000 };
	redisContext *c;
	int e;

	c = r->port ? redisConnectWithTimeout(r->host, r->port, tv) :
		      redisConnectUnixWithTimeout(r->host, tv);
	if (!c)
		return -ENOMEM;
	if (c->err) {
		e = ctx_errno(c);
		uffd_pager_diagnose("redis %s: connect: %s", r->name, c->errstr);
		redisFree(c);
		return -e;
	}
	redisSetTimeout(c, tv);
	*out = c;
	return 0;
}

static int conn_take(struct redis_store *r, redisContext **out)
{
	*out = pool_get(&r->pool);
	return *out ? 0 : conn_open(r, out);
}

static int conn_fail(struct redis_store *r, redisContext *c, const char *what)
{
	int e = ctx_errno(c);

	uffd_pager_diagnose("redis %s: %s: %s", r->name, what, c->errstr);
	redisFree(c);
	return -e;
}

/* One page's value into @buf/@kind: 0 or -errno. */
static int take_value(struct redis_store *r, uint64_t index, const redisReply *v,
		      char *buf, uint8_t *kind)
{
	struct img_entry e;
	char what[300];

	if (v->type == REDIS_REPLY_NIL) {
		uffd_pager_diagnose("redis %s: key %s:%llu is missing", r->name,
				    r->prefix, (unsigned long long)index);
		return -ENOENT;
	}
	if (v->type != REDIS_REPLY_STRING || v->len < (int)sizeof(e))
		goto bad;
	memcpy(&e, v->str, sizeof(e));
	if (e.flags & IMG_F_ZERO) {
		*kind = UFFD_PAGE_ZERO;
		return 0;
	}
	if ((size_t)v->len != sizeof(e) + r->ps)
		goto bad;
	memcpy(buf, v->str + sizeof(e), r->ps);
	*kind = UFFD_PAGE_DATA;
	snprintf(what, sizeof(what), "redis %s", r->name);
	return img_check(what, index, &e, buf, r->ps);
bad:
	uffd_pager_diagnose("redis %s: key %s:%llu is not a page: corrupt page",
			    r->name, r->prefix, (unsigned long long)index);
	return -EBADMSG;
}

static int readv_locked(struct redis_store *r, const uint64_t *idx, size_t n,
			void *buf, uint8_t *kind);

static int redis_readv(void *priv, const uint64_t *idx, size_t n, void *buf,
		       uint8_t *kind)
{
	struct nopipe np;
	int rc;

	nopipe_begin(&np);
	rc = readv_locked(priv, idx, n, buf, kind);
	nopipe_end(&np);
	return rc;
}

/* redis_readv with SIGPIPE blocked. */
static int readv_locked(struct redis_store *r, const uint64_t *idx, size_t n,
			void *buf, uint8_t *kind)
{
	const char *argv[PAGER_MAX_BATCH + 1];
	size_t argl[PAGER_MAX_BATCH + 1], i;
	char keys[PAGER_MAX_BATCH][160];
	redisContext *c;
	redisReply *rep;
	int rc = 0;

	if (n > PAGER_MAX_BATCH) {
		rc = readv_locked(r, idx, PAGER_MAX_BATCH, buf, kind);
		return rc ? rc : readv_locked(r, idx + PAGER_MAX_BATCH,
				n - PAGER_MAX_BATCH,
				(char *)buf + PAGER_MAX_BATCH * r->ps,
				kind + PAGER_MAX_BATCH);
	}
	argv[0] = "MGET";
	argl[0] = 4;
	for (i = 0; i < n; i++) {
		int len = snprintf(keys[i], sizeof(keys[i]), "%s:%llu", r->prefix,
				   (unsigned long long)idx[i]);

		argv[i + 1] = keys[i];
		argl[i + 1] = (size_t)len;
	}
	rc = conn_take(r, &c);
	if (rc)
		return rc;
	rep = redisCommandArgv(c, (int)n + 1, argv, argl);
	if (!rep)
		return conn_fail(r, c, "MGET");
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != n) {
		uffd_pager_diagnose("redis %s: MGET: %s", r->name,
				    rep->type == REDIS_REPLY_ERROR ? rep->str :
				    "unexpected reply");
		freeReplyObject(rep);
		pool_put(&r->pool, c);
		return -EPROTO;
	}
	for (i = 0; i < n && !rc; i++)
		rc = take_value(r, idx[i], rep->element[i],
				(char *)buf + i * r->ps, &kind[i]);
	freeReplyObject(rep);
	pool_put(&r->pool, c);
	return rc;
}

static int redis_read(void *priv, uint64_t first, size_t n, void *buf, uint8_t *kind)
{
	uint64_t idx[PAGER_MAX_BATCH];
	size_t done = 0, i;
	int rc;

	while (done < n) {
		size_t m = n - done < PAGER_MAX_BATCH ? n - done : PAGER_MAX_BATCH;

		for (i = 0; i < m; i++)
			idx[i] = first + done + i;
		rc = redis_readv(priv, idx, m,
				 (char *)buf + done * ((struct redis_store *)priv)->ps,
				 kind + done);
		if (rc)
			return rc;
		done += m;
	}
	return 0;
}

static void redis_close(void *priv)
{
	struct redis_store *r = priv;

	pool_fini(&r->pool);
	free(r);
}

static const struct uffd_store_ops redis_ops = {
	.name = "redis", .read = redis_read, .readv = redis_readv,
	.close = redis_close,
};

static struct redis_store *store_alloc(const char *addr, const char *prefix,
				       unsigned timeout_ms)
{
	struct redis_store *r = calloc(1, sizeof(*r));

	if (!r) {
		pager_fail(ENOMEM, "out of memory");
		return NULL;
	}
	if (parse(r, addr)) {
		free(r);
		return NULL;
	}
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix && *prefix ? prefix : "uffd");
	snprintf(r->name, sizeof(r->name), "%s", addr);
	r->timeout_ms = timeout_ms ? timeout_ms : 2000;
	r->ps = (size_t)sysconf(_SC_PAGESIZE);
	pool_init(&r->pool, conn_destroy);
	return r;
}

static struct uffd_store *open_locked(const char *addr, const char *prefix,
				      unsigned timeout_ms)
{
	struct redis_store *r;
	struct redis_meta m;
	struct uffd_store *s;
	redisContext *c;
	redisReply *rep;
	int rc;

	pager_diag_clear();
	r = store_alloc(addr, prefix, timeout_ms);
	if (!r)
		return NULL;
	rc = conn_open(r, &c);
	if (rc) {
		redis_close(r);
		errno = -rc;
		return NULL;
	}
	rep = redisCommand(c, "GET %s:meta", r->prefix);
	if (!rep) {
		rc = conn_fail(r, c, "GET meta");
		redis_close(r);
		errno = -rc;
		return NULL;
	}
	if (rep->type != REDIS_REPLY_STRING || rep->len != sizeof(m)) {
		pager_fail(rep->type == REDIS_REPLY_NIL ? ENOENT : EINVAL,
			   "redis %s: no image under prefix '%s' (key %s:meta)",
			   addr, r->prefix, r->prefix);
		goto fail;
	}
	memcpy(&m, rep->str, sizeof(m));
	if (memcmp(m.magic, IMG_MAGIC, 8) || m.version != IMG_VERSION ||
	    m.page_size != r->ps || !m.npages) {
		pager_fail(EINVAL, "redis %s: %s:meta is not a libuffd image of "
			   "%zu-byte pages", addr, r->prefix, r->ps);
		goto fail;
	}
	freeReplyObject(rep);
	r->npages = m.npages;
	pool_put(&r->pool, c);
	s = uffd_store_new(&redis_ops, r, r->npages, r->ps);
	if (!s)
		redis_close(r);
	return s;
fail:
	freeReplyObject(rep);
	redisFree(c);
	redis_close(r);
	return NULL;
}

PAGER_API struct uffd_store *uffd_store_redis_open(const char *addr,
		const char *prefix, unsigned timeout_ms)
{
	struct uffd_store *s;
	struct nopipe np;
	int e;

	nopipe_begin(&np);
	s = open_locked(addr, prefix, timeout_ms);
	e = errno;
	nopipe_end(&np);
	errno = e;
	return s;
}

/* SET every page of @image_path, pipelined, then the meta key. */
static int import_locked(const char *addr, const char *prefix,
			 const char *image_path)
{
	enum { CHUNK = 256 };
	struct redis_store *r;
	struct redis_meta m;
	struct img im;
	redisContext *c = NULL;
	char *data = NULL, *val = NULL, key[160];
	uint64_t i;
	int rc = 0;

	pager_diag_clear();
	r = store_alloc(addr, prefix, 10000);
	if (!r)
		return -1;
	if (img_open(&im, image_path)) {
		redis_close(r);
		return -1;
	}
	data = malloc((size_t)CHUNK * r->ps);
	val = malloc(sizeof(struct img_entry) + r->ps);
	if (!data || !val) {
		rc = pager_fail(ENOMEM, "out of memory");
		goto out;
	}
	if (im.h.page_size != r->ps) {
		rc = pager_fail(EINVAL, "%s: pages of %u bytes", image_path,
				im.h.page_size);
		goto out;
	}
	rc = conn_open(r, &c);
	if (rc) {
		errno = -rc;
		rc = -1;
		goto out;
	}
	for (i = 0; i < im.h.npages && !rc; i += CHUNK) {
		uint64_t n = im.h.npages - i < CHUNK ? im.h.npages - i : CHUNK, j;
		ssize_t got = pread(im.fd, data, n * r->ps, (off_t)img_data_off(&im, i));

		if (got != (ssize_t)(n * r->ps)) {
			rc = pager_fail(EIO, "%s: read failed", image_path);
			break;
		}
		for (j = 0; j < n; j++) {
			const struct img_entry *e = &im.table[i + j];
			const char *argv[3] = { "SET", key, val };
			size_t argl[3] = { 3, 0, sizeof(*e) };

			argl[1] = (size_t)snprintf(key, sizeof(key), "%s:%llu",
						   r->prefix,
						   (unsigned long long)(i + j));
			memcpy(val, e, sizeof(*e));
			if (!(e->flags & IMG_F_ZERO)) {
				memcpy(val + sizeof(*e), data + j * r->ps, r->ps);
				argl[2] += r->ps;
			}
			redisAppendCommandArgv(c, 3, argv, argl);
		}
		for (j = 0; j < n && !rc; j++) {
			void *rep;

			if (redisGetReply(c, &rep) != REDIS_OK) {
				rc = conn_fail(r, c, "SET");
				c = NULL;
				errno = -rc;
				rc = -1;
				break;
			}
			if (((redisReply *)rep)->type == REDIS_REPLY_ERROR)
				rc = pager_fail(EIO, "redis %s: SET: %s", addr,
						((redisReply *)rep)->str);
			freeReplyObject(rep);
		}
	}
	if (!rc) {
		redisReply *rep;
		const char *argv[3] = { "SET", key, (const char *)&m };
		size_t argl[3] = { 3, 0, sizeof(m) };

		memcpy(m.magic, IMG_MAGIC, 8);
		m.version = IMG_VERSION;
		m.page_size = (uint32_t)r->ps;
		m.npages = im.h.npages;
		argl[1] = (size_t)snprintf(key, sizeof(key), "%s:meta", r->prefix);
		rep = redisCommandArgv(c, 3, argv, argl);
		if (!rep) {
			rc = conn_fail(r, c, "SET meta");
			c = NULL;
			errno = -rc;
			rc = -1;
		} else {
			if (rep->type == REDIS_REPLY_ERROR)
				rc = pager_fail(EIO, "redis %s: SET: %s", addr, rep->str);
			freeReplyObject(rep);
		}
	}
out:
	if (c)
		redisFree(c);
	free(data);
	free(val);
	img_close(&im);
	redis_close(r);
	return rc;
}

PAGER_API int uffd_store_redis_import(const char *addr, const char *prefix,
				      const char *image_path)
{
	struct nopipe np;
	int rc, e;

	nopipe_begin(&np);
	rc = import_locked(addr, prefix, image_path);
	e = errno;
	nopipe_end(&np);
	errno = e;
	return rc;
}

#else /* !LIBUFFD_HAVE_HIREDIS */

PAGER_API struct uffd_store *uffd_store_redis_open(const char *addr,
		const char *prefix, unsigned timeout_ms)
{
	(void)addr;
	(void)prefix;
	(void)timeout_ms;
	pager_fail(ENOTSUP, "redis store: libuffd was built without hiredis "
		   "(install libhiredis-dev and rebuild)");
	return NULL;
}

PAGER_API int uffd_store_redis_import(const char *addr, const char *prefix,
				      const char *image_path)
{
	(void)addr;
	(void)prefix;
	(void)image_path;
	return pager_fail(ENOTSUP, "redis store: libuffd was built without "
			  "hiredis (install libhiredis-dev and rebuild)");
}

#endif
