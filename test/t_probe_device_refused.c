/* SPDX-License-Identifier: MIT */
/*
 * Under a seccomp filter that answers EPERM both to userfaultfd(2) and to
 * the open of /dev/userfaultfd, the kernel engine's reason says what
 * happened -- the device exists but opening it was refused -- rather than
 * that it is "not available": in uffd_probe_engine() and in the output of
 * `uffd probe --json`.
 *
 * Engine-independent (the filter decides), so it runs in the kernel pass
 * and skips the emulated one.  Skips when /dev/userfaultfd does not exist
 * here or seccomp filters are not permitted.
 */
#include "preload_util.h"
#include "seccomp_util.h"

#define REFUSED "/dev/userfaultfd exists but opening it was refused"

static struct pl_paths paths;

static void in_filter(void *arg)
{
	const char *argv[] = { paths.uffd, "probe", "--json", NULL };
	struct uffd_engine_info info;
	struct pl_result r;

	(void)arg;
	alarm(50);
	sc_deny_userfaultfd(true);
	CHECK_ERR(open("/dev/userfaultfd", O_RDWR | O_CLOEXEC), EPERM);

	CHECK(uffd_probe_engine(UFFD_ENGINE_KERNEL, &info) < 0);
	CHECK(!info.usable);
	CHECK_EQ(info.error, EPERM);
	CHECK_MSG(strstr(info.reason, REFUSED) && !strstr(info.reason, "not available"),
		  "kernel engine reason: %s", info.reason);
	printf("uffd_probe_engine: %s\n", info.reason);

	pl_run(argv, pl_clean_env, 40, &r);
	CHECK_MSG(strstr(r.out, REFUSED), "uffd probe --json (status %d) does not say "
		  "'" REFUSED "':\n%s%s", pl_exit(&r), r.out, r.err);
	pl_free(&r);
	exit(0);
}

int main(void)
{
	struct stat st;
	int status;

	t_init(60);
	if (!strcmp(t_engine_name, "emulated"))
		t_skip("engine-independent: runs in the kernel pass");
	if (stat("/dev/userfaultfd", &st))
		t_skip("/dev/userfaultfd: %s", t_errname(errno));
	pl_locate(&paths);
	status = t_fork_run(in_filter, NULL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == T_SKIP)
		exit(T_SKIP);		/* the child printed why */
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child under the filter: wait status %#x", status);
	return 0;
}
