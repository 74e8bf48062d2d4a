/* SPDX-License-Identifier: MIT */
/*
 * One `uffd handle` serving VMMs one after the other and side by side
 * (examples/raw_fc_vmm on the engine under test), and what goes wrong:
 *
 *   a malformed handshake, and one without a uffd: one clear line from
 *	the handler, the connection closed, and the handler serves on;
 *   a VMM killed (SIGKILL) in the middle of its restore: the handler
 *	says it has exited and keeps no descriptor of it (no leak);
 *   two VMMs at once, 4 threads each, one with a 2 MiB balloon: both
 *	right;
 *   SIGTERM: the handler exits 0 and removes its socket.
 */
#include "handle_util.h"

static const char *sock, *hlog, *mem;

static void bad(const char *opt, const char *what)
{
	const char *vlog = tp_path("bad.log");
	pid_t v = hu_vmm(sock, mem, vlog, (const char *[]){ opt, NULL });

	hu_vmm_ok(v, vlog, 60000);
	CHECK_MSG(sp_await_text(hlog, what, 10000), "no \"%s\" from the handler:\n%s",
		  what, sp_slurp(hlog));
}

int main(void)
{
	const char *vlog1, *vlog2;
	pid_t h, v1, v2;
	int base, st, i;
	char line[64];

	t_init(600);
	hu_require_engine();
	sock = tp_keep("h.sock");
	hlog = tp_keep("handler.log");
	mem = tp_keep("mem.raw");
	vlog1 = tp_keep("vmm1.log");
	vlog2 = tp_keep("vmm2.log");
	tp_make_raw(mem, (40 << 20) / (size_t)t_page, 5);
	h = hu_handler(sock, hlog, (const char *[]){ "--quiet", NULL }, mem);
	base = hu_fds(h);

	bad("--bad-json", "[1] pid ");
	CHECK_MSG(strstr(sp_slurp(hlog), "expected a non-negative integer: "
			 "connection closed"), "handler:\n%s", sp_slurp(hlog));
	bad("--no-fd", "without a userfaultfd");

	/* The VMM dies mid-restore. */
	v1 = hu_vmm(sock, mem, vlog1, (const char *[]){ "--die-after", "500", NULL });
	st = sp_wait(v1, 60000);
	CHECK_MSG(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		  "raw_fc_vmm --die-after: status %#x:\n%s", st, sp_slurp(vlog1));
	CHECK_MSG(sp_await_text(hlog, "[3] pid", 10000) &&
		  sp_await_text(hlog, "has exited", 10000),
		  "the handler did not see the VMM go:\n%s", sp_slurp(hlog));
	for (i = 0; i < 1000 && hu_fds(h) != base; i++)
		t_msleep(10);
	CHECK_MSG(hu_fds(h) == base, "the handler has %d descriptors, %d before",
		  hu_fds(h), base);

	/* Two at once. */
	v1 = hu_vmm(sock, mem, vlog1, (const char *[]){ "--threads", "4", "--balloon",
						"2", NULL });
	v2 = hu_vmm(sock, mem, vlog2, (const char *[]){ "--threads", "4", NULL });
	hu_vmm_ok(v1, vlog1, 120000);
	hu_vmm_ok(v2, vlog2, 120000);
	CHECK(strstr(sp_slurp(vlog1), "10240 pages read by 4 threads"));
	CHECK(strstr(sp_slurp(vlog1), "2 MiB discarded"));
	CHECK(strstr(sp_slurp(vlog2), ", 0 wrong"));
	for (i = 4; i <= 5; i++) {
		snprintf(line, sizeof(line), "[%d] pid", i);
		CHECK_MSG(sp_await_text(hlog, line, 10000), "no %s:\n%s", line,
			  sp_slurp(hlog));
	}

	CHECK_OK(kill(h, SIGTERM));
	st = sp_wait(h, 30000);
	CHECK_MSG(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "uffd handle after SIGTERM: status %#x:\n%s", st, sp_slurp(hlog));
	CHECK_MSG(access(sock, F_OK) && errno == ENOENT, "socket left behind");
	printf("%s", sp_slurp(hlog));
	return 0;
}
