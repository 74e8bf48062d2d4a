/*
 * The handler in another process is an unmodified program written only
 * against <linux/userfaultfd.h> (examples/raw_xproc_server.c, built without
 * libuffd), started under `uffd run --engine=<engine under test>`.  This
 * process registers 64 MiB (MISSING), passes the descriptor to it over a
 * UNIX socket (SCM_RIGHTS) and closes its own copy, as a lazy-restore or
 * post-copy client does; the server resolves every fault with UFFDIO_COPY
 * of pages whose contents derive from the page index; four threads here
 * touch every page and check it.
 *
 * With the kernel engine the server gets the kernel's userfaultfd; with the
 * emulated one the preload shim recognises the descriptor when it arrives
 * and routes the server's read(), poll() and ioctl() here.
 *
 * Skips when `uffd`, the shim or the server is not built (make all).
 */
#include "xproc_util.h"
#include <limits.h>

struct paths {
	char uffd[PATH_MAX], preload[PATH_MAX], server[PATH_MAX];
};

/* <build>/uffd and friends, from <build>/test/t_xproc_raw_shim. */
static void locate(struct paths *p)
{
	char exe[PATH_MAX - 64], *s;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	CHECK_MSG(n > 0, "readlink /proc/self/exe: %s", t_errname(errno));
	exe[n] = '\0';
	s = strrchr(exe, '/');
	CHECK(s);
	*s = '\0';
	s = strrchr(exe, '/');
	CHECK(s);
	*s = '\0';
	snprintf(p->uffd, sizeof(p->uffd), "%s/uffd", exe);
	snprintf(p->preload, sizeof(p->preload), "%s/libuffd-preload.so", exe);
	snprintf(p->server, sizeof(p->server), "%s/examples/raw_xproc_server", exe);
	if (access(p->uffd, X_OK))
		t_skip("%s not built (make all)", p->uffd);
	if (access(p->preload, R_OK))
		t_skip("%s not built (make all)", p->preload);
	if (access(p->server, X_OK))
		t_skip("%s not built (make examples)", p->server);
}

int main(void)
{
	static const char *const clean[] = {
		"UFFD_ENGINE", "UFFD_DENY_KERNEL", "UFFD_PRELOAD_PATH",
		"UFFD_ORPHAN_POLICY", "LD_PRELOAD", NULL,
	};
	struct paths p;
	struct xp_region r;
	struct xp_report rep;
	char engine_opt[64], sockarg[16], c, **env;
	const char *argv[7];
	int fd, sv[2], st;
	size_t i;
	pid_t pid;
	char *area;

	t_init(120);
	locate(&p);
	snprintf(engine_opt, sizeof(engine_opt), "--engine=%s", t_engine_name);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	area = t_map(XP_PAGES);
	t_register(fd, area, XP_PAGES, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));

	/* Everything the child needs, before fork(): it only makes system calls. */
	snprintf(sockarg, sizeof(sockarg), "%d", sv[1]);
	argv[0] = p.uffd;
	argv[1] = "run";
	argv[2] = engine_opt;
	argv[3] = "--";
	argv[4] = p.server;
	argv[5] = sockarg;
	argv[6] = NULL;
	env = t_child_env(clean);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	CHECK_OK(pid);
	if (pid == 0) {
		/* Only the socket crosses the exec; the uffd is O_CLOEXEC. */
		close(sv[0]);
		if (fcntl(sv[1], F_SETFD, 0))
			_exit(126);
		alarm(0);
		execve(p.uffd, (char *const *)argv, env);
		_exit(126);
	}
	free(env);
	close(sv[1]);
	r = (struct xp_region){ (uintptr_t)area, (uint64_t)XP_PAGES * (uint64_t)t_page,
				(uint64_t)t_page };
	CHECK_OK(xp_send_fd(sv[0], fd, &r, sizeof(r)));
	/* From here only the server holds the uffd. */
	CHECK_OK(close(fd));
	if (!xp_read_full(sv[0], &c, 1, 20000) || c != 'r') {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		t_fail(__FILE__, __LINE__, "raw_xproc_server under uffd run %s did not "
		       "take the descriptor (status %#x)", engine_opt, st);
	}

	xp_touch_all(area, XP_PAGES);

	CHECK_EQ(write(sv[0], "q", 1), 1);
	CHECK_MSG(xp_read_full(sv[0], &rep, sizeof(rep), 10000),
		  "no report from raw_xproc_server");
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "raw_xproc_server status %#x", st);
	CHECK_MSG(rep.error == 0, "raw_xproc_server: %s", t_errname(rep.error));
	CHECK_EQ(rep.messages, XP_PAGES);
	CHECK_EQ(rep.served, XP_PAGES);
	CHECK_EQ(rep.eexist, 0);
	for (i = 0; i < XP_PAGES; i++)
		CHECK_MSG(xp_check(area + i * (size_t)t_page, i, (size_t)t_page),
			  "page %zu", i);
	close(sv[0]);
	return 0;
}
