/*
 * A uffd is bound to the memory of the process that created it (spec 2.1);
 * any process holding the descriptor reads its messages and resolves its
 * faults.  The parent registers 64 MiB (MISSING) and passes the descriptor
 * to a child over a UNIX socket (SCM_RIGHTS); the child first closes the
 * copy it inherited by fork(), so it uses only the one it received.  The
 * child serves every fault with UFFDIO_COPY (uffd_ioctl) of a page whose
 * contents derive from the page index, from a buffer in its own memory;
 * four parent threads touch every page, interleaved, and check each one.
 * Every page is faulted and served exactly once.
 */
#include "xproc_util.h"

/* The handler child: the protocol of examples/raw_xproc_server.c. */
static void handler(int inherited, int sock)
{
	struct xp_report rep;
	struct xp_region r;
	struct pollfd pfd[2];
	const char *eng;
	uint64_t *src;
	int fd;
	char c;

	alarm(100);
	memset(&rep, 0, sizeof(rep));
	/* Not the inherited copy: the one that comes over the socket. */
	CHECK_OK(close(inherited));
	fd = xp_recv_fd(sock, &r, sizeof(r), 10000);
	CHECK_MSG(fd >= 0, "recvmsg(SCM_RIGHTS): %s", t_errname(errno));
	eng = uffd_engine(fd);
	CHECK_MSG(eng != NULL, "the received descriptor is not a uffd");
	if (strcmp(t_engine_name, "auto"))
		CHECK_MSG(!strcmp(eng, t_engine_name), "received a %s uffd", eng);
	CHECK_EQ(r.page_size, t_page);
	src = t_map(1);
	CHECK_EQ(write(sock, "r", 1), 1);

	pfd[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sock, .events = POLLIN };
	while (!rep.error) {
		struct uffd_msg m[32];
		ssize_t n, i;
		int k = poll(pfd, 2, 10000);

		if (k < 0 && errno == EINTR)
			continue;
		CHECK_MSG(k > 0, "no fault message and no request for 10 s");
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		n = read(fd, m, sizeof(m));
		if (n < 0 && errno == EAGAIN)
			continue;
		CHECK_MSG(n > 0 && n % (ssize_t)sizeof(m[0]) == 0, "read(uffd) = %zd: %s",
			  n, t_errname(errno));
		for (i = 0; i < n / (ssize_t)sizeof(m[0]); i++) {
			uint64_t a = m[i].arg.pagefault.address, idx;
			struct uffdio_copy cp;

			rep.messages++;
			CHECK_EQ(m[i].event, UFFD_EVENT_PAGEFAULT);
			CHECK_MSG(a >= r.base && a - r.base < r.len, "fault at %#llx",
				  (unsigned long long)a);
			idx = (a - r.base) / r.page_size;
			xp_fill(src, idx, (size_t)r.page_size);
			cp = (struct uffdio_copy){ .dst = r.base + idx * r.page_size,
						   .src = (uintptr_t)src,
						   .len = r.page_size };
			if (uffd_ioctl(fd, UFFDIO_COPY, &cp) == 0) {
				CHECK_EQ(cp.copy, r.page_size);
				rep.served++;
			} else if (errno == EEXIST) {
				rep.eexist++;
				CHECK_OK(t_wake(fd, (void *)(uintptr_t)cp.dst, r.page_size));
			} else {
				rep.error = errno;
				break;
			}
		}
	}
	CHECK_EQ(read(sock, &c, 1), 1);
	CHECK_EQ(c, 'q');
	CHECK_EQ(write(sock, &rep, sizeof(rep)), (ssize_t)sizeof(rep));
	CHECK_OK(close(fd));
	_exit(0);
}

int main(void)
{
	struct xp_region r;
	struct xp_report rep;
	int fd, sv[2], st;
	size_t i;
	pid_t pid;
	char *area, c;

	t_init(120);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	area = t_map(XP_PAGES);
	t_register(fd, area, XP_PAGES, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CHECK_OK(pid);
	if (pid == 0) {
		close(sv[0]);
		handler(fd, sv[1]);
	}
	close(sv[1]);
	r = (struct xp_region){ (uintptr_t)area, (uint64_t)XP_PAGES * (uint64_t)t_page,
				(uint64_t)t_page };
	CHECK_OK(xp_send_fd(sv[0], fd, &r, sizeof(r)));
	CHECK_MSG(xp_read_full(sv[0], &c, 1, 10000) && c == 'r',
		  "the handler child did not take the descriptor");

	xp_touch_all(area, XP_PAGES);

	CHECK_EQ(write(sv[0], "q", 1), 1);
	CHECK_MSG(xp_read_full(sv[0], &rep, sizeof(rep), 10000),
		  "no report from the handler child");
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "handler child status %#x", st);
	CHECK_MSG(rep.error == 0, "handler child: %s", t_errname(rep.error));
	CHECK_EQ(rep.messages, XP_PAGES);
	CHECK_EQ(rep.served, XP_PAGES);
	CHECK_EQ(rep.eexist, 0);
	/* Every page is there, once; nothing is left queued. */
	for (i = 0; i < XP_PAGES; i++)
		CHECK_MSG(xp_check(area + i * (size_t)t_page, i, (size_t)t_page),
			  "page %zu", i);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(sv[0]);
	close(fd);
	return 0;
}
