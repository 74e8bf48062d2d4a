/* SPDX-License-Identifier: MIT */
/*
 * Sockets for the page server and its clients: address parsing
 * (HOST:PORT, [V6]:PORT, :PORT, unix:PATH), connecting with a time limit,
 * listening, and whole-buffer send/receive that turn EOF and socket
 * timeouts into errors instead of hangs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "pager/pager.h"

int net_parse(const char *addr, bool passive, struct net_addr *out)
{
	struct addrinfo hints, *res = NULL;
	char host[256], *port;
	const char *colon;
	int r;

	memset(out, 0, sizeof(*out));
	if (!addr || !*addr)
		return pager_fail(EINVAL, "empty address");
	if (!strncmp(addr, "unix:", 5)) {
		struct sockaddr_un *un = (struct sockaddr_un *)&out->u.ss;

		if (strlen(addr + 5) >= sizeof(un->sun_path) || !addr[5])
			return pager_fail(EINVAL, "%s: bad UNIX socket path", addr);
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, addr + 5);
		out->family = AF_UNIX;
		out->len = sizeof(*un);
		return 0;
	}
	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		if (!end || end[1] != ':' || (size_t)(end - addr - 1) >= sizeof(host))
			return pager_fail(EINVAL, "%s: expected [ADDRESS]:PORT", addr);
		memcpy(host, addr + 1, (size_t)(end - addr - 1));
		host[end - addr - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon || (size_t)(colon - addr) >= sizeof(host))
			return pager_fail(EINVAL, "%s: expected HOST:PORT or unix:PATH",
					  addr);
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
	}
	port = (char *)colon + 1;
	if (!*port)
		return pager_fail(EINVAL, "%s: no port", addr);
	/* getaddrinfo() takes "99999" and keeps its low 16 bits. */
	if (strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atol(port) > 65535)
		return pager_fail(EINVAL, "%s: port must be a number from 0 to 65535",
				  addr);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	r = getaddrinfo(*host ? host : NULL, port, &hints, &res);
	if (r || !res)
		return pager_fail(EINVAL, "%s: %s", addr,
				  r ? gai_strerror(r) : "no address");
	memcpy(&out->u.ss, res->ai_addr, res->ai_addrlen);
	out->len = res->ai_addrlen;
	out->family = res->ai_family;
	freeaddrinfo(res);
	return 0;
}

void net_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	(void)len;
	if (sa->sa_family == AF_UNIX) {
		snprintf(buf, size, "unix:%s", ((const struct sockaddr_un *)sa)->sun_path);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, size, "?");
	}
}

void net_set_timeout(int fd, unsigned timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void tune(int fd, int family)
{
	int one = 1, sz = 4 << 20;

	if (family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}

/* A connected socket, or -errno (ETIMEDOUT after @timeout_ms). */
int net_connect(const struct net_addr *a, unsigned timeout_ms)
{
	int fd, err = 0;
	socklen_t elen = sizeof(err);

	fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	tune(fd, a->family);
	if (connect(fd, &a->u.sa, a->len)) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int r;

		if (errno != EINPROGRESS && errno != EAGAIN) {
			err = errno;
			close(fd);
			return -err;
		}
		do
			r = poll(&pfd, 1, (int)timeout_ms);
		while (r < 0 && errno == EINTR);
		if (r <= 0) {
			close(fd);
			return r == 0 ? -ETIMEDOUT : -errno;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) || err) {
			close(fd);
			return -(err ? err : EIO);
		}
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	net_set_timeout(fd, timeout_ms);
	return fd;
}

int net_listen(const struct net_addr *a)
{
	int fd, one = 1;

	fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (a->family == AF_UNIX)
		unlink(((const struct sockaddr_un *)&a->u.ss)->sun_path);
	else
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	tune(fd, a->family);
	if (bind(fd, &a->u.sa, a->len) || listen(fd, 64)) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int net_send(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int net_recv(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = recv(fd, p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
