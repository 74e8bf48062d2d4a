/* SPDX-License-Identifier: MIT */
/*
 * Store: a page server (server.c, `uffd serve`), client side.
 *
 * Each reader uses a connection of its own from a pool, so workers and
 * the prefetcher never wait for each other's round trips.  Every reply is
 * bounded by the timeout (SO_RCVTIMEO): a hung server becomes ETIMEDOUT,
 * a dead one ECONNRESET or ECONNREFUSED -- never a hang.  A connection
 * that failed is dropped; the next read connects again.  Data pages are
 * checked against the checksums the server sends (end to end: a page
 * damaged on disk or on the way fails with EBADMSG).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pager/pager.h"
#include "pager/proto.h"

struct tcp_store {
	struct net_addr addr;
	char name[128];
	unsigned timeout_ms;
	unsigned flags;
	size_t ps;
	uint64_t npages;
	struct pool pool;
};

struct tcp_conn {
	int fd;
};

static void conn_destroy(void *c)
{
	struct tcp_conn *k = c;

	close(k->fd);
	free(k);
}

static int fail_conn(struct tcp_store *t, struct tcp_conn *k, int err,
		     const char *what)
{
	uffd_pager_diagnose("page server %s: %s: %s", t->name, what,
			    err == ECONNRESET ? "connection closed by the server" :
			    strerror(err));
	if (k)
		conn_destroy(k);
	return -err;
}

/* A connection that has done the hello/welcome exchange. */
static int conn_open(struct tcp_store *t, struct tcp_conn **out)
{
	struct proto_hello h = { .version = PROTO_VERSION };
	struct proto_welcome w;
	struct tcp_conn *k;
	int fd, r;

	fd = net_connect(&t->addr, t->timeout_ms);
	if (fd < 0)
		return fail_conn(t, NULL, -fd, "connect");
	k = malloc(sizeof(*k));
	if (!k) {
		close(fd);
		return -ENOMEM;
	}
	k->fd = fd;
	memcpy(h.magic, PROTO_MAGIC, 4);
	r = net_send(fd, &h, sizeof(h));
	if (!r)
		r = net_recv(fd, &w, sizeof(w));
	if (r)
		return fail_conn(t, k, -r, "handshake");
	if (memcmp(w.magic, PROTO_MAGIC, 4) || w.version != PROTO_VERSION) {
		uffd_pager_diagnose("page server %s: not a libuffd page server "
				    "(or protocol version %u)", t->name, w.version);
		conn_destroy(k);
		return -EPROTO;
	}
	if (w.status) {
		uffd_pager_diagnose("page server %s: cannot serve its image: %s",
				    t->name, strerror((int)w.status));
		conn_destroy(k);
		return -(int)w.status;
	}
	if (t->npages && (w.npages != t->npages || w.page_size != t->ps)) {
		uffd_pager_diagnose("page server %s: now serves another image "
				    "(%llu pages, was %llu)", t->name,
				    (unsigned long long)w.npages,
				    (unsigned long long)t->npages);
		conn_destroy(k);
		return -ESTALE;
	}
	t->npages = w.npages;
	t->ps = w.page_size;
	*out = k;
	return 0;
}

static int conn_take(struct tcp_store *t, struct tcp_conn **out)
{
	*out = pool_get(&t->pool);
	return *out ? 0 : conn_open(t, out);
}

/* Receive one reply for @n pages starting at @first into @buf/@kind. */
static int recv_reply(struct tcp_store *t, struct tcp_conn *k, uint64_t first,
		      size_t n, char *buf, uint8_t *kind)
{
	struct img_entry e[PROTO_MAX_PAGES];
	struct proto_reply rep;
	size_t i = 0, j;
	int r;

	r = net_recv(k->fd, &rep, sizeof(rep));
	if (r)
		return r;
	if (rep.status) {
		uffd_pager_diagnose("page server %s: pages %llu..%llu: %s", t->name,
				    (unsigned long long)first,
				    (unsigned long long)(first + n),
				    strerror((int)rep.status));
		return -(int)rep.status;
	}
	if (rep.count != n || rep.first != first)
		return -EPROTO;
	r = net_recv(k->fd, e, n * sizeof(e[0]));
	if (r)
		return r;
	while (i < n) {
		if (e[i].flags & IMG_F_ZERO) {
			kind[i++] = UFFD_PAGE_ZERO;
			continue;
		}
		for (j = i; j < n && !(e[j].flags & IMG_F_ZERO); j++)
			kind[j] = UFFD_PAGE_DATA;
		r = net_recv(k->fd, buf + i * t->ps, (j - i) * t->ps);
		if (r)
			return r;
		i = j;
	}
	if (t->flags & UFFD_STORE_NOVERIFY)
		return 0;
	for (i = 0; i < n; i++) {
		char what[160];

		if (kind[i] != UFFD_PAGE_DATA)
			continue;
		snprintf(what, sizeof(what), "page server %s", t->name);
		r = img_check(what, first + i, &e[i], buf + i * t->ps, t->ps);
		if (r)
			return r;
	}
	return 0;
}

/* Pipelined: every request of the runs of @idx, then every reply. */
static int tcp_readv(void *priv, const uint64_t *idx, size_t n, void *buf,
		     uint8_t *kind)
{
	struct tcp_store *t = priv;
	struct proto_req req[PAGER_MAX_BATCH];
	size_t start[PAGER_MAX_BATCH];
	struct tcp_conn *k;
	size_t i = 0, j, nreq = 0, q;
	int r;

	while (i < n) {
		for (j = i + 1; j < n && j - i < PROTO_MAX_PAGES &&
		     idx[j] == idx[j - 1] + 1; j++)
			;
		if (nreq == PAGER_MAX_BATCH) {	/* too many runs: two passes */
			r = tcp_readv(priv, idx, i, buf, kind);
			return r ? r : tcp_readv(priv, idx + i, n - i,
						 (char *)buf + i * t->ps, kind + i);
		}
		req[nreq] = (struct proto_req){ PROTO_READ, (uint32_t)(j - i), idx[i] };
		start[nreq++] = i;
		i = j;
	}
	r = conn_take(t, &k);
	if (r)
		return r;
	r = net_send(k->fd, req, nreq * sizeof(req[0]));
	if (r)
		return fail_conn(t, k, -r, "send");
	for (q = 0; q < nreq; q++) {
		r = recv_reply(t, k, req[q].first, req[q].count,
			       (char *)buf + start[q] * t->ps, kind + start[q]);
		if (r == -EBADMSG || r == -ERANGE) {
			/* The connection is fine but the rest of the pipeline
			 * is unread: drop it all the same. */
			conn_destroy(k);
			return r;
		}
		if (r)
			return fail_conn(t, k, -r, "reply");
	}
	pool_put(&t->pool, k);
	return 0;
}

static int tcp_read(void *priv, uint64_t first, size_t n, void *buf, uint8_t *kind)
{
	uint64_t idx[PAGER_MAX_BATCH];
	size_t i, done = 0;
	int r;

	while (done < n) {
		size_t m = n - done < PAGER_MAX_BATCH ? n - done : PAGER_MAX_BATCH;

		for (i = 0; i < m; i++)
			idx[i] = first + done + i;
		r = tcp_readv(priv, idx, m, (char *)buf + done * ((struct tcp_store *)priv)->ps,
			      kind + done);
		if (r)
			return r;
		done += m;
	}
	return 0;
}

static void tcp_close(void *priv)
{
	struct tcp_store *t = priv;
	struct tcp_conn *k;

	/* Say goodbye on idle connections; the server just closes them. */
	while ((k = pool_get(&t->pool))) {
		struct proto_req bye = { PROTO_BYE, 0, 0 };

		(void)net_send(k->fd, &bye, sizeof(bye));
		conn_destroy(k);
	}
	pool_fini(&t->pool);
	free(t);
}

static const struct uffd_store_ops tcp_ops = {
	.name = "tcp", .read = tcp_read, .readv = tcp_readv, .close = tcp_close,
};

PAGER_API struct uffd_store *uffd_store_tcp_open(const char *addr, unsigned flags,
						 unsigned timeout_ms)
{
	struct tcp_store *t;
	struct tcp_conn *k;
	struct uffd_store *s;
	int r;

	pager_diag_clear();
	t = calloc(1, sizeof(*t));
	if (!t) {
		pager_fail(ENOMEM, "out of memory");
		return NULL;
	}
	if (net_parse(addr, false, &t->addr)) {
		free(t);
		return NULL;
	}
	snprintf(t->name, sizeof(t->name), "%s", addr);
	t->timeout_ms = timeout_ms ? timeout_ms : 2000;
	t->flags = flags;
	pool_init(&t->pool, conn_destroy);
	r = conn_open(t, &k);
	if (r) {
		pool_fini(&t->pool);
		free(t);
		errno = -r;
		return NULL;
	}
	pool_put(&t->pool, k);
	if (t->ps != (size_t)sysconf(_SC_PAGESIZE)) {
		pager_fail(EINVAL, "page server %s: pages of %zu bytes, this host's "
			   "are %ld", addr, t->ps, sysconf(_SC_PAGESIZE));
		tcp_close(t);
		return NULL;
	}
	s = uffd_store_new(&tcp_ops, t, t->npages, t->ps);
	if (!s)
		tcp_close(t);
	return s;
}
