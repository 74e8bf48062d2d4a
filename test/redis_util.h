/* SPDX-License-Identifier: MIT */
/*
 * A real redis-server for the tests that use the Redis store
 * (t_pager_redis.c, t_handle_once.c): started on a UNIX socket in the
 * test's scratch directory (no TCP port, no persistence), killed at exit.
 */
#ifndef UFFD_TEST_REDIS_UTIL_H
#define UFFD_TEST_REDIS_UTIL_H

#include "pager_util.h"
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>

static pid_t redis;

static void stop_redis(void)
{
	int st;

	if (redis > 0) {
		kill(redis, SIGKILL);
		waitpid(redis, &st, 0);
		redis = 0;
	}
}

static const char *find_redis(void)
{
	static const char *where[] = { "/usr/bin/redis-server",
		"/usr/local/bin/redis-server", "/usr/sbin/redis-server" };
	size_t i;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		if (access(where[i], X_OK) == 0)
			return where[i];
	return NULL;
}

static bool sock_ready(const char *path)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&un, sizeof(un)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static void start_redis(const char *bin, const char *sock)
{
	int i;

	redis = fork();
	CHECK(redis >= 0);
	if (redis == 0) {
		int null = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, 1);
		dup2(null, 2);
		execl(bin, bin, "--port", "0", "--unixsocket", sock,
		      "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
		      "--dir", tp_tmpdir(), "--daemonize", "no", (char *)NULL);
		_exit(127);
	}
	atexit(stop_redis);
	for (i = 0; i < 500 && !sock_ready(sock); i++) {
		int st;

		if (waitpid(redis, &st, WNOHANG) == redis) {
			redis = 0;
			t_fail(__FILE__, __LINE__, "redis-server exited (status %#x)", st);
		}
		t_msleep(10);
	}
	CHECK_MSG(sock_ready(sock), "redis-server did not come up on %s", sock);
}

#endif
