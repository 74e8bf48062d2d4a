/* SPDX-License-Identifier: MIT */
/*
 * The container case, for real: in a forked child, make the kernel's
 * userfaultfd unusable the way Docker/containerd/Podman do --
 *
 *   - a private mount namespace whose /dev is a fresh tmpfs holding only
 *     null, zero, full, random and urandom (no /dev/userfaultfd);
 *   - a seccomp filter (PR_SET_NO_NEW_PRIVS + SECCOMP_MODE_FILTER) that
 *     answers userfaultfd(2) with EPERM, as the default profiles do --
 *
 * then show that the unmodified raw_demand_pager fails there natively
 * (EPERM, non-zero exit) and succeeds under `uffd run` (engine auto falls
 * back to the emulated engine) printing the same bytes as outside the
 * sandbox.
 *
 * The sandbox decides the engine, not UFFD_ENGINE, so the test is
 * meaningful once: it runs in the emulated pass of test/run.sh (the
 * engine that does the work in the sandbox) and skips the kernel pass.
 * Skips when namespaces, mounts or seccomp filters are not permitted.
 */
#include "preload_util.h"
#include "seccomp_util.h"
#include <sched.h>
#include <sys/mount.h>

#define RUN_LIMIT 60

static struct pl_paths paths;
static char pager[PATH_MAX], which[PATH_MAX];
static struct pl_result ref;	/* raw_demand_pager outside the sandbox */

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		t_skip("cannot open %s: %s", path, t_errname(errno));
	n = write(fd, s, strlen(s));
	close(fd);
	if (n != (ssize_t)strlen(s))
		t_skip("cannot write %s: %s", path, t_errname(errno));
}

/* A mount namespace of our own; a user namespace too when not privileged. */
static void enter_namespaces(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	if (unshare(CLONE_NEWNS) == 0)
		return;
	if (errno != EPERM)
		t_skip("unshare(CLONE_NEWNS): %s", t_errname(errno));
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		t_skip("unshare(CLONE_NEWNS) not permitted, and no user namespace "
		       "either: %s", t_errname(errno));
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	write_file("/proc/self/gid_map", map);
}

/* /dev as a container has it: a tmpfs with a few nodes, no userfaultfd. */
static void container_dev(void)
{
	static const char *const keep[] = { "null", "zero", "full", "random", "urandom" };
	int fds[5], i;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		t_skip("making mounts private: %s", t_errname(errno));
	/* Hold the nodes to keep: they are bind-mounted back below. */
	for (i = 0; i < 5; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/%s", keep[i]);
		fds[i] = open(path, O_PATH | O_CLOEXEC);
	}
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755"))
		t_skip("mounting a tmpfs over /dev: %s", t_errname(errno));
	for (i = 0; i < 5; i++) {
		char path[64], src[64];
		int fd;

		if (fds[i] < 0)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", keep[i]);
		snprintf(src, sizeof(src), "/proc/self/fd/%d", fds[i]);
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd >= 0) {
			close(fd);
			(void)mount(src, path, NULL, MS_BIND, NULL);
		}
		close(fds[i]);
	}
}

static void in_sandbox(void *arg)
{
	const char *pargv[] = { pager, NULL };
	const char *rargv[] = { paths.uffd, "run", "--engine=auto", "--", pager, NULL };
	const char *kargv[] = { paths.uffd, "run", "--engine=kernel", "--", pager, NULL };
	struct pl_result r;
	int i;

	(void)arg;
	alarm(100);		/* the watchdog of t_init(), for this child too */
	enter_namespaces();
	container_dev();
	sc_deny_userfaultfd(false);

	/* The kernel facility is gone, both ways in. */
	CHECK_ERR(syscall(SYS_userfaultfd, O_CLOEXEC), EPERM);
	CHECK_ERR(open("/dev/userfaultfd", O_RDWR | O_CLOEXEC), ENOENT);

	/* The unmodified program fails here... */
	pl_run(pargv, pl_clean_env, RUN_LIMIT, &r);
	CHECK_MSG(pl_exit(&r) != 0, "raw_demand_pager succeeded in the sandbox: %s", r.out);
	CHECK_MSG(strstr(r.err, "userfaultfd: Operation not permitted"),
		  "raw_demand_pager in the sandbox: status %d, stderr: %s", pl_exit(&r),
		  r.err);
	printf("sandbox, natively:          status %d, %s", pl_exit(&r), r.err);
	pl_free(&r);

	/* ...and --engine=kernel does not pretend otherwise... */
	pl_run(kargv, pl_clean_env, RUN_LIMIT, &r);
	CHECK_MSG(pl_exit(&r) != 0 && strstr(r.err, "Operation not permitted"),
		  "uffd run --engine=kernel in the sandbox: status %d, stderr: %s",
		  pl_exit(&r), r.err);
	pl_free(&r);

	/* ...but works under uffd run, on the emulated engine, byte for byte. */
	pl_run(rargv, pl_clean_env, RUN_LIMIT, &r);
	CHECK_MSG(pl_exit(&r) == 0, "uffd run raw_demand_pager in the sandbox: status %d, "
		  "stderr: %s", pl_exit(&r), r.err);
	CHECK_MSG(r.outlen == ref.outlen && !memcmp(r.out, ref.out, ref.outlen),
		  "uffd run raw_demand_pager in the sandbox printed\n%s\nnot\n%s",
		  r.out, ref.out);
	printf("sandbox, uffd run:          status 0, %zu bytes as outside\n", r.outlen);
	pl_free(&r);

	for (i = 0; i < 2; i++) {
		const char *how = i ? "device" : "syscall";
		const char *wargv[] = { paths.uffd, "run", "--", which, how, NULL };

		pl_run(wargv, pl_clean_env, RUN_LIMIT, &r);
		CHECK_MSG(pl_exit(&r) == 0 && !strcmp(r.out, "emulated\n"),
			  "uffd run raw_which_engine %s in the sandbox: status %d, "
			  "out '%s', err '%s'", how, pl_exit(&r), r.out, r.err);
		printf("sandbox, uffd run, %-7s: emulated engine\n", how);
		pl_free(&r);
	}
	exit(0);
}

int main(void)
{
	const char *nargv[] = { pager, NULL };
	const char *eargv[] = { NULL, "run", "--engine=emulated", "--", pager, NULL };
	int st;

	t_init(110);
	pl_emulated_pass_only();
	pl_locate(&paths);
	pl_example(&paths, "raw_demand_pager", pager, sizeof(pager));
	pl_example(&paths, "raw_which_engine", which, sizeof(which));
	eargv[0] = paths.uffd;

	/* The reference: natively outside, or the emulated engine if need be. */
	pl_run(nargv, pl_clean_env, RUN_LIMIT, &ref);
	if (pl_exit(&ref) != 0) {
		pl_free(&ref);
		pl_run(eargv, pl_clean_env, RUN_LIMIT, &ref);
		if (pl_exit(&ref) != 0)
			t_skip("raw_demand_pager runs neither natively nor under "
			       "uffd run here: %.200s", ref.err);
	}
	CHECK(strstr(ref.out, "raw_demand_pager: ok\n"));

	st = t_fork_run(in_sandbox, NULL);
	if (WIFEXITED(st) && WEXITSTATUS(st) == T_SKIP)
		exit(T_SKIP);		/* the child printed why */
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "sandboxed child: wait status %#x", st);
	pl_free(&ref);
	return 0;
}
