/* SPDX-License-Identifier: MIT */
/*
 * What the `uffd handle` tests (t_handle_*.c) share (their guest memory
 * file is pager_util.h's tp_make_raw): the handler started on a socket,
 * and the VMM side
 * (examples/raw_fc_vmm, raw syscalls only) run on the engine under test --
 * natively for the kernel engine, under `uffd run --engine=emulated` for
 * the emulated one.
 */
#ifndef UFFD_TEST_HANDLE_UTIL_H
#define UFFD_TEST_HANDLE_UTIL_H

#include "pager_util.h"
#include "spawn_util.h"
#include <sys/stat.h>

/*
 * Skip when the engine under test cannot be had.  Only the kernel's is
 * checked here: the emulated one needs nothing of this process (the VMM
 * side opens its uffd under `uffd run`), and opening one here starts the
 * engine's service thread, which LeakSanitizer, at an exit soon after,
 * can catch unsuspended and blame for its buffers (a false leak).
 */
static inline void hu_require_engine(void)
{
	if (strcmp(t_engine_name, "emulated"))
		tp_require_engine();
}

/* `uffd handle --socket SOCK ARGS... STORE` with its output in @log;
 * returns once the socket is there. */
static inline pid_t hu_handler(const char *sock, const char *log,
			       const char *const *args, const char *store)
{
	char *argv[24];
	int n = 0, i;
	pid_t pid;

	argv[n++] = (char *)sp_build("uffd");
	argv[n++] = "handle";
	argv[n++] = "--socket";
	argv[n++] = (char *)sock;
	for (; args && *args && n < 21; args++)
		argv[n++] = (char *)*args;
	argv[n++] = (char *)store;
	argv[n] = NULL;
	unlink(sock);
	pid = sp_start(argv, log, NULL);
	for (i = 0; i < 3000 && access(sock, F_OK); i++) {
		CHECK_MSG(waitpid(pid, NULL, WNOHANG) == 0, "uffd handle exited:\n%s",
			  sp_slurp(log));
		t_msleep(10);
	}
	CHECK_MSG(!access(sock, F_OK), "no socket after 30 s:\n%s", sp_slurp(log));
	return pid;
}

/* raw_fc_vmm ARGS... SOCK MEMFILE on the engine under test (output in
 * @log); its pid. */
static inline pid_t hu_vmm(const char *sock, const char *memfile, const char *log,
			   const char *const *args)
{
	char *argv[24], engine[32];
	int n = 0;

	if (!strcmp(t_engine_name, "emulated")) {
		snprintf(engine, sizeof(engine), "--engine=%s", t_engine_name);
		argv[n++] = (char *)sp_build("uffd");
		argv[n++] = "run";
		argv[n++] = engine;
		argv[n++] = "--";
	}
	argv[n++] = (char *)sp_build("examples/raw_fc_vmm");
	for (; args && *args && n < 21; args++)
		argv[n++] = (char *)*args;
	argv[n++] = (char *)sock;
	argv[n++] = (char *)memfile;
	argv[n] = NULL;
	return sp_start(argv, log, NULL);
}

/* The VMM's exit status, which must be 0 (bounded by @ms). */
static inline void hu_vmm_ok(pid_t pid, const char *log, int ms)
{
	int st = sp_wait(pid, ms);

	CHECK_MSG(st != -1, "raw_fc_vmm hung; it printed:\n%s", sp_slurp(log));
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "raw_fc_vmm: status %#x; it printed:\n%s", st, sp_slurp(log));
}

/* Descriptors process @pid has open. */
static inline int hu_fds(pid_t pid)
{
	char path[64];
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	CHECK(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2;
}

#endif
