/* SPDX-License-Identifier: MIT */
/*
 * `uffd handle --socket PATH [--once] [options] STORE`: the page-fault
 * handler of Firecracker-style VMMs, on libuffd's pager.
 *
 * Listens on the UNIX socket PATH.  A VMM restoring a snapshot maps its
 * guest memory, creates a userfaultfd, registers the regions, connects and
 * sends one message: a JSON array of regions (tools/fc_json.h) with the
 * uffd attached (SCM_RIGHTS).  Each connection is a session of its own (a
 * thread): the pager adopts the uffd (uffd_pager_adopt) and serves the
 * VMM's faults from STORE -- a raw memory file (Firecracker's snapshot
 * memory file), a libuffd image, a page server (HOST:PORT, unix:PATH) or
 * Redis (--redis) -- with its workers, prefetch, record/replay and
 * failure policy, until the VMM exits; then its metrics are printed.  A
 * connection that sends no fd or malformed JSON gets one line on stderr
 * and is closed; the others are served as before.  With --once the first
 * VMM served is the last: the handler exits when it has gone, 0 unless
 * pages were lost.  Otherwise it runs until SIGINT or SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "fc_json.h"
#include "pager_cmds.h"

#define MAX_REGIONS	64
#define HANDSHAKE_MS	5000	/* a VMM that connects must say something */

struct handle_opts {
	struct uffd_pager_config cfg;
	const char *sock, *store, *redis, *prefix, *record, *replay;
	int mmap, quiet, once, raw;
};

struct session {
	const struct handle_opts *o;
	int conn, id;
};

static volatile sig_atomic_t stopping;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int active;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One line about session @id, on stdout or (error) stderr. */
static void say(int id, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(int id, int error, const char *fmt, ...)
{
	FILE *f = error ? stderr : stdout;
	va_list ap;

	pthread_mutex_lock(&out_lock);
	fprintf(f, "uffd handle: [%d] ", id);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
	pthread_mutex_unlock(&out_lock);
}

/* An image starts with its magic; anything else is a raw memory file. */
static int is_image(const char *path)
{
	char magic[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, magic, sizeof(magic));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)sizeof(magic) && !memcmp(magic, "UFFDIMG1", 8);
}

static struct uffd_store *open_store(const struct handle_opts *o)
{
	unsigned fl = o->mmap ? UFFD_STORE_MMAP : 0;

	if (o->redis)
		return uffd_store_redis_open(o->redis, o->prefix, o->cfg.timeout_ms);
	if (pc_is_address(o->store))
		return uffd_store_tcp_open(o->store, 0, o->cfg.timeout_ms);
	if (!o->raw && is_image(o->store))
		return uffd_store_file_open(o->store, fl);
	return uffd_store_raw_open(o->store, fl);
}

/* Every page zero: what --on-error zero serves when STORE cannot be had. */
static int zero_read(void *priv, uint64_t first, size_t n, void *buf, uint8_t *kind)
{
	(void)priv;
	(void)first;
	(void)buf;
	memset(kind, UFFD_PAGE_ZERO, n);
	return 0;
}

static const struct uffd_store_ops zero_ops = { .name = "zero", .read = zero_read };

/*
 * The store for a VMM that is waiting for its pages.  When STORE cannot be
 * opened, retry (transient errors) for --timeout, then the policy decides,
 * as for a fault: SIGBUS to the VMM, zero pages, or -- wait -- retrying
 * for as long as the VMM lives.  NULL when there is nothing to serve.
 */
static struct uffd_store *store_for(const struct handle_opts *o, int id, pid_t pid,
				    const struct uffd_pager_region *g, int n)
{
	double t0 = now_ms();
	uint64_t end = 0;
	struct uffd_store *s;
	int i, said = 0;

	for (;;) {
		s = open_store(o);
		if (s || stopping)
			return s;
		if (!said++)
			say(id, 1, "pid %d: %s", (int)pid, uffd_pager_diagnostic());
		if (pid > 0 && kill(pid, 0) && errno == ESRCH)
			return NULL;
		if (o->cfg.on_error == UFFD_ON_ERROR_WAIT ||
		    now_ms() - t0 < (o->cfg.timeout_ms ? o->cfg.timeout_ms : 2000))
			usleep(100000);
		else
			break;
	}
	if (o->cfg.on_error == UFFD_ON_ERROR_ZERO) {
		for (i = 0; i < n; i++)
			if (g[i].offset + g[i].len > end)
				end = g[i].offset + g[i].len;
		say(id, 1, "pid %d: its memory is served as zeros (--on-error zero)",
		    (int)pid);
		return uffd_store_new(&zero_ops, NULL, end / (uint64_t)getpagesize(),
				      (size_t)getpagesize());
	}
	if (pid > 0 && kill(pid, SIGBUS) == 0)
		say(id, 1, "pid %d: sent SIGBUS: its memory cannot be served", (int)pid);
	return NULL;
}

/*
 * The VMM's one message: JSON into @buf (NUL-terminated), the uffd into
 * *fd.  0, or -1 with the reason in @err.
 */
static int handshake(int conn, char *buf, size_t size, int *fd, char *err,
		     size_t errlen)
{
	double deadline = now_ms() + HANDSHAKE_MS;
	size_t len = 0;

	*fd = -1;
	while (!fc_complete(buf, len)) {
		char cbuf[CMSG_SPACE(4 * sizeof(int))];
		struct iovec iov = { buf + len, size - 1 - len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct pollfd pfd = { conn, POLLIN, 0 };
		struct cmsghdr *cm;
		int left = (int)(deadline - now_ms());
		ssize_t n;

		if (len == size - 1) {
			snprintf(err, errlen, "handshake longer than %zu bytes", size - 1);
			return -1;
		}
		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			snprintf(err, errlen, "no handshake within %d ms", HANDSHAKE_MS);
			return -1;
		}
		n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		for (cm = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; cm;
		     cm = CMSG_NXTHDR(&mh, cm)) {
			int k, nfd = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			for (k = 0; k < nfd; k++) {
				int f;

				memcpy(&f, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
				if (*fd < 0)
					*fd = f;
				else
					close(f);
			}
		}
		if (n <= 0) {
			snprintf(err, errlen, "%s before a whole handshake",
				 n < 0 ? strerror(errno) : "connection closed");
			return -1;
		}
		len += (size_t)n;
		buf[len] = '\0';
	}
	if (*fd < 0) {
		snprintf(err, errlen, "the handshake came without a userfaultfd "
			 "(SCM_RIGHTS)");
		return -1;
	}
	return 0;
}

/* Until the VMM has gone (or the handler stops): its pid's exit, or the
 * connection's end when the pid is unknown. */
static void serve_until_gone(struct uffd_pager *p, int conn, pid_t pid, int id,
			     double t0)
{
	int complete = 0;

	while (!stopping) {
		if (!complete && uffd_pager_wait(p, 0) == 0) {
			complete = 1;
			say(id, 0, "every page present %.1f ms after the handshake",
			    now_ms() - t0);
		}
		if (pid > 0) {
			if (uffd_pager_wait_owner(p, 200) == 0)
				return;
		} else {
			struct pollfd pfd = { conn, POLLIN, 0 };
			char c;

			if (poll(&pfd, 1, 200) > 0 && recv(conn, &c, 1, MSG_DONTWAIT) <= 0)
				return;
		}
	}
}

/* 0: served; 1: served, pages lost; -1: not served (said why). */
static int session(const struct handle_opts *o, int conn, int id)
{
	struct uffd_pager_region regions[MAX_REGIONS];
	struct ucred cred = { 0 };
	socklen_t cl = sizeof(cred);
	char *buf = malloc(65536), err[256];
	struct uffd_pager_stats st;
	struct uffd_store *s;
	struct uffd_pager *p;
	uint64_t bytes = 0;
	double t0 = now_ms();
	int fd, n, i, status = 0;

	if (!buf) {
		say(id, 1, "out of memory");
		return -1;
	}
	getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &cl);
	if (handshake(conn, buf, 65536, &fd, err, sizeof(err)) ||
	    (n = fc_parse_regions(buf, strlen(buf), regions, MAX_REGIONS, err,
				  sizeof(err))) < 0) {
		if (fd >= 0)
			close(fd);
		say(id, 1, "pid %d: %s: connection closed", (int)cred.pid, err);
		free(buf);
		return -1;
	}
	free(buf);
	for (i = 0; i < n; i++)
		bytes += regions[i].len;
	s = store_for(o, id, cred.pid, regions, n);
	p = s ? uffd_pager_adopt(fd, cred.pid, regions, (size_t)n, s, &o->cfg) : NULL;
	if (!s) {
		close(fd);
		return -1;
	}
	if (!p) {
		say(id, 1, "pid %d: %s", (int)cred.pid, uffd_pager_diagnostic());
		/* Its registered memory would wait for ever. */
		if (cred.pid > 0 && kill(cred.pid, SIGBUS) == 0)
			say(id, 1, "pid %d: sent SIGBUS: its memory cannot be served",
			    (int)cred.pid);
		return -1;
	}
	say(id, 0, "serving pid %d: %d region%s, %llu MiB, %s engine, %s store",
	    (int)cred.pid, n, n == 1 ? "" : "s", (unsigned long long)(bytes >> 20),
	    uffd_pager_engine(p), uffd_store_name(s));
	serve_until_gone(p, conn, cred.pid, id, t0);
	if (uffd_pager_error(p))
		say(id, 1, "pid %d: %s", (int)cred.pid, uffd_pager_error(p));
	if (uffd_pager_stats(p, -1, &st) == 0 && st.lost_pages)
		status = 1;	/* given up: SIGBUS or zeros */
	say(id, 0, "pid %d %s after %.1f ms", (int)cred.pid,
	    stopping ? "left to itself: the handler stops" : "has exited",
	    now_ms() - t0);
	if (!o->quiet) {
		pthread_mutex_lock(&out_lock);
		uffd_pager_print_stats(p, stdout);
		fflush(stdout);
		pthread_mutex_unlock(&out_lock);
	}
	if (o->record && uffd_pager_save_plan(p, o->record))
		say(id, 1, "%s", uffd_pager_diagnostic());
	uffd_pager_close(p);
	return status;
}

static void *session_main(void *arg)
{
	struct session *s = arg;

	(void)session(s->o, s->conn, s->id);
	close(s->conn);
	free(s);
	atomic_fetch_sub(&active, 1);
	return NULL;
}

static int listen_on(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "uffd handle: %s: socket path too long\n", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "uffd handle: %s exists and is not a socket\n",
				path);
			return -1;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16)) {
		fprintf(stderr, "uffd handle: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: uffd handle --socket PATH [--once] [options] STORE\n"
		"       uffd handle --socket PATH [--once] [options] --redis ADDR [--prefix P]\n"
		"  STORE             a raw memory file (a Firecracker snapshot's), an image\n"
		"                    (uffd snapshot), or a page server: HOST:PORT, unix:PATH\n"
		"  --socket PATH     the UNIX socket VMMs connect to (mem_backend Uffd)\n"
		"  --once            serve the first VMM, exit when it has gone\n"
		"  --raw             STORE is a raw memory file even if it looks like an image\n"
		"  --mmap            copy from a mapping of the file\n"
		"  --workers N       demand-fault threads per VMM (default 2)\n"
		"  --no-prefetch     demand faults only\n"
		"  --readahead N     pages fetched after each fault (default 64)\n"
		"  --batch N         pages per prefetch copy (default 64)\n"
		"  --record PLAN     save the first-touch order (implies --no-prefetch)\n"
		"  --replay PLAN     prefetch in the order of a recorded plan\n"
		"  --on-error E      sigbus (default), zero or wait, once the store has\n"
		"                    failed for --timeout MS (default 2000)\n"
		"  --quiet           no metrics when a VMM has gone\n");
}

static int parse(int argc, char **argv, struct handle_opts *o)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "once", no_argument, NULL, '1' },
		{ "raw", no_argument, NULL, 'W' },
		{ "redis", required_argument, NULL, 'R' },
		{ "prefix", required_argument, NULL, 'P' },
		PC_PAGER_OPTIONS,
		{ "mmap", no_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	int c;

	o->prefix = "uffd";
	while ((c = getopt_long(argc, argv, ":S:1WR:P:" PC_PAGER_SHORT "mzh", opts,
				NULL)) != -1) {
		int r = pc_pager_option("handle", c, optarg, &o->cfg, &o->record);

		if (r < 0)
			return EXIT_USAGE;
		if (r)
			continue;
		switch (c) {
		case 'S': o->sock = optarg; break;
		case '1': o->once = 1; break;
		case 'W': o->raw = 1; break;
		case 'R': o->redis = optarg; break;
		case 'P': o->prefix = optarg; break;
		case 'm': o->mmap = 1; break;
		case 'z': o->quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: return cli_getopt_error("handle", c, argv, optind);
		}
	}
	if (!o->sock)
		return cli_usage_error("handle", "--socket PATH is required");
	if (o->redis ? optind != argc : optind != argc - 1)
		return cli_usage_error("handle", o->redis ? "no STORE argument with --redis" :
				       optind == argc ? "no STORE given" : "one STORE only");
	o->store = o->redis ? o->redis : argv[optind];
	return -1;
}

int cmd_handle(int argc, char **argv)
{
	struct handle_opts o = { 0 };
	struct sigaction sa = { .sa_handler = on_stop };
	struct uffd_store *s;
	int lfd, id = 0, status = 0, rc, i;

	rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	s = open_store(&o);	/* a bad STORE is said at once */
	if (!s)
		return pc_fail("handle");
	printf("uffd handle: %s: %s store, %llu MiB; listening on %s\n", o.store,
	       uffd_store_name(s),
	       (unsigned long long)(uffd_store_npages(s) * uffd_store_page_size(s) >> 20),
	       o.sock);
	fflush(stdout);
	uffd_store_close(s);
	lfd = listen_on(o.sock);
	if (lfd < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stopping) {
		struct pollfd pfd = { lfd, POLLIN, 0 };
		struct session *ss;
		pthread_t t;
		int conn;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0)
			continue;
		id++;
		if (o.once) {
			rc = session(&o, conn, id);
			close(conn);
			if (rc >= 0) {
				status = rc;
				break;
			}
			continue;
		}
		ss = malloc(sizeof(*ss));
		if (ss) {
			*ss = (struct session){ &o, conn, id };
			atomic_fetch_add(&active, 1);
			if (pthread_create(&t, NULL, session_main, ss) == 0) {
				pthread_detach(t);
				continue;
			}
			atomic_fetch_sub(&active, 1);
			free(ss);
		}
		say(id, 1, "cannot start a session: %s", strerror(errno));
		close(conn);
	}
	close(lfd);
	unlink(o.sock);
	/* Sessions see `stopping` within 200 ms. */
	for (i = 0; i < 500 && atomic_load(&active); i++)
		usleep(10000);
	return status;
}
