/* SPDX-License-Identifier: MIT */
/*
 * The page server: serves the pages of an image file to pagers over TCP
 * or a UNIX socket (protocol in proto.h).  One thread accepts, one
 * thread per connection answers READ requests in order: the requested
 * page-table entries, then the data pages, read with pread() and sent in
 * one buffer.  The server does not check checksums -- it forwards them
 * and the client checks, so damage on disk or on the way is caught once,
 * at the end that uses the data.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include "pager/pager.h"
#include "pager/proto.h"

struct srv_conn {
	struct uffd_server *s;
	pthread_t thread;
	int fd;
	_Atomic bool done;
	struct srv_conn *next;
};

struct uffd_server {
	struct img im;
	int lfd, stopfd;
	char addr[128];
	char unix_path[108];
	pthread_t acceptor;
	pthread_mutex_t lock;
	struct srv_conn *conns;
	_Atomic uint64_t connections, active, requests, pages, bytes;
};

static int pread_full(int fd, char *p, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Build the reply to @q in @out (header, entries, packed data); its length. */
static size_t answer(struct uffd_server *s, const struct proto_req *q, char *out)
{
	struct proto_reply *rep = (struct proto_reply *)out;
	struct img_entry *e = (struct img_entry *)(out + sizeof(*rep));
	size_t ps = s->im.h.page_size, i = 0, j;
	char *data = (char *)(e + q->count);
	int err;

	*rep = (struct proto_reply){ 0, q->count, q->first };
	if (q->op != PROTO_READ || !q->count || q->count > PROTO_MAX_PAGES) {
		rep->status = EINVAL;
		return sizeof(*rep);
	}
	if (q->first > s->im.h.npages || q->count > s->im.h.npages - q->first) {
		rep->status = ERANGE;
		return sizeof(*rep);
	}
	memcpy(e, &s->im.table[q->first], q->count * sizeof(*e));
	while (i < q->count) {
		if (e[i].flags & IMG_F_ZERO) {
			i++;
			continue;
		}
		for (j = i; j < q->count && !(e[j].flags & IMG_F_ZERO); j++)
			;
		err = pread_full(s->im.fd, data, (j - i) * ps,
				 img_data_off(&s->im, q->first + i));
		if (err) {
			rep->status = (uint32_t)err;
			return sizeof(*rep);
		}
		data += (j - i) * ps;
		i = j;
	}
	atomic_fetch_add(&s->pages, q->count);
	return (size_t)(data - out);
}

static void *conn_main(void *arg)
{
	struct srv_conn *c = arg;
	struct uffd_server *s = c->s;
	struct proto_hello h;
	struct proto_welcome w = { .version = PROTO_VERSION };
	struct proto_req q;
	char *buf;

	buf = malloc(sizeof(struct proto_reply) + PROTO_MAX_PAGES *
		     (sizeof(struct img_entry) + s->im.h.page_size));
	if (!buf)
		goto out;
	if (net_recv(c->fd, &h, sizeof(h)) ||
	    memcmp(h.magic, PROTO_MAGIC, 4))
		goto out;
	memcpy(w.magic, PROTO_MAGIC, 4);
	w.status = h.version == PROTO_VERSION ? 0 : EPROTONOSUPPORT;
	w.page_size = s->im.h.page_size;
	w.npages = s->im.h.npages;
	if (net_send(c->fd, &w, sizeof(w)) || w.status)
		goto out;
	while (net_recv(c->fd, &q, sizeof(q)) == 0 && q.op != PROTO_BYE) {
		size_t len = answer(s, &q, buf);

		if (net_send(c->fd, buf, len))
			break;
		atomic_fetch_add(&s->requests, 1);
		atomic_fetch_add(&s->bytes, len);
	}
out:
	free(buf);
	atomic_fetch_sub(&s->active, 1);
	atomic_store(&c->done, true);
	return NULL;
}

/* Join the connection threads that have ended (all when @all). */
static void reap(struct uffd_server *s, bool all)
{
	struct srv_conn **pp, *c;

	pthread_mutex_lock(&s->lock);
	for (pp = &s->conns; (c = *pp);) {
		if (all)
			shutdown(c->fd, SHUT_RDWR);
		if (!all && !atomic_load(&c->done)) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		pthread_mutex_unlock(&s->lock);
		pthread_join(c->thread, NULL);
		close(c->fd);
		free(c);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
}

static void *accept_main(void *arg)
{
	struct uffd_server *s = arg;
	struct pollfd pfd[2] = {
		{ .fd = s->lfd, .events = POLLIN },
		{ .fd = s->stopfd, .events = POLLIN },
	};

	for (;;) {
		struct srv_conn *c;
		int fd;

		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		reap(s, false);
		if (!(pfd[0].revents & POLLIN))
			continue;
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->s = s;
		c->fd = fd;
		{
			/* A client that stops reading does not hold a thread
			 * forever; an idle one may wait as long as it likes. */
			struct timeval tv = { 30, 0 };

			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		}
		atomic_fetch_add(&s->connections, 1);
		atomic_fetch_add(&s->active, 1);
		if (pthread_create(&c->thread, NULL, conn_main, c)) {
			atomic_fetch_sub(&s->active, 1);
			close(fd);
			free(c);
			continue;
		}
		pthread_mutex_lock(&s->lock);
		c->next = s->conns;
		s->conns = c;
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

PAGER_API struct uffd_server *uffd_server_start(const char *addr,
						const char *image_path)
{
	struct uffd_server *s;
	struct net_addr na;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd, e;

	pager_diag_clear();
	if (net_parse(addr, true, &na))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		pager_fail(ENOMEM, "out of memory");
		return NULL;
	}
	s->lfd = s->stopfd = -1;
	if (img_open(&s->im, image_path))
		goto fail;
	fd = net_listen(&na);
	if (fd < 0) {
		pager_fail(-fd, "%s: cannot listen: %s", addr, strerror(-fd));
		goto fail;
	}
	s->lfd = fd;
	if (na.family == AF_UNIX)
		snprintf(s->unix_path, sizeof(s->unix_path), "%s",
			 ((struct sockaddr_un *)&na.u.ss)->sun_path);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 && na.family != AF_UNIX)
		net_format((struct sockaddr *)&ss, len, s->addr, sizeof(s->addr));
	else
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
	s->stopfd = eventfd(0, EFD_CLOEXEC);
	pthread_mutex_init(&s->lock, NULL);
	if (s->stopfd < 0 || pthread_create(&s->acceptor, NULL, accept_main, s)) {
		pager_fail(errno ? errno : EAGAIN, "server: cannot start a thread");
		pthread_mutex_destroy(&s->lock);
		goto fail;
	}
	return s;
fail:
	e = errno;
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->stopfd >= 0)
		close(s->stopfd);
	img_close(&s->im);
	free(s);
	errno = e;
	return NULL;
}

PAGER_API const char *uffd_server_address(const struct uffd_server *s)
{
	return s->addr;
}

PAGER_API void uffd_server_stats(const struct uffd_server *s,
				 struct uffd_server_stats *st)
{
	st->connections = atomic_load(&s->connections);
	st->active = atomic_load(&s->active);
	st->requests = atomic_load(&s->requests);
	st->pages = atomic_load(&s->pages);
	st->bytes = atomic_load(&s->bytes);
}

PAGER_API void uffd_server_stop(struct uffd_server *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	if (write(s->stopfd, &one, sizeof(one)) != sizeof(one))
		shutdown(s->lfd, SHUT_RDWR);
	pthread_join(s->acceptor, NULL);
	reap(s, true);
	close(s->lfd);
	close(s->stopfd);
	if (s->unix_path[0])
		unlink(s->unix_path);
	pthread_mutex_destroy(&s->lock);
	img_close(&s->im);
	free(s);
}
