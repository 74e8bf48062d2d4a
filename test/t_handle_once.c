/* SPDX-License-Identifier: MIT */
/*
 * `uffd handle --once --socket PATH STORE` serves one Firecracker-style
 * VMM (issue 18's acceptance): examples/raw_fc_vmm, on the engine under
 * test, registers two regions -- 24 MiB at file offset 0 and 16 MiB at
 * 24 MiB, at unrelated addresses -- reads every page from two threads and
 * compares it with the memory file, then drops 1 MiB with MADV_DONTNEED,
 * which must read as zeros; the handler exits 0 once the VMM has closed
 * its uffd and gone.  STORE is the raw memory file, the same memory as a
 * libuffd image, that image from a page server, and from Redis (--redis,
 * when redis-server and hiredis are there); then once more with the
 * handshake of older Firecracker versions (page_size_kib), and with
 * --record PLAN, then --replay PLAN.
 */
#include "handle_util.h"
#include "redis_util.h"

/* One VMM served by `uffd handle --once [OPT VAL] STORE`. */
static void once(const char *store, const char *opt, const char *val,
		 const char *const *vmm_args)
{
	const char *sock = tp_path("h.sock"), *hlog = tp_path("handler.log"),
		   *vlog = tp_path("vmm.log"), *mem = tp_path("mem.raw");
	pid_t h = hu_handler(sock, hlog, (const char *[]){ "--once", opt, val, NULL },
			     store);
	pid_t v = hu_vmm(sock, mem, vlog, vmm_args);
	int st;

	hu_vmm_ok(v, vlog, 120000);
	CHECK_MSG(strstr(sp_slurp(vlog), "1 MiB discarded (MADV_DONTNEED) read as "
			 "zeros"), "no balloon line:\n%s", sp_slurp(vlog));
	st = sp_wait(h, 30000);
	CHECK_MSG(st != -1, "uffd handle --once did not exit after the VMM:\n%s",
		  sp_slurp(hlog));
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "uffd handle: status %#x:\n%s", st, sp_slurp(hlog));
	CHECK_MSG(strstr(sp_slurp(hlog), "has exited") &&
		  strstr(sp_slurp(hlog), "pages present    10240 of 10240"),
		  "handler output:\n%s", sp_slurp(hlog));
	printf("%s%s%s: served, exit 0\n", opt ? opt : "", opt ? " " : "", store);
}

int main(void)
{
	static const char *const vmm[] = { "--balloon", "1", NULL };
	static const char *const old[] = { "--balloon", "1", "--old", NULL };
	const char *mem, *img, *plan;
	struct stat sb;
	struct uffd_server *srv;
	void *m;
	int fd;

	t_init(600);
	hu_require_engine();
	mem = tp_keep("mem.raw");
	tp_make_raw(mem, (40 << 20) / (size_t)t_page, 5);
	once(mem, NULL, NULL, vmm);

	img = tp_keep("mem.img");
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	m = mmap(NULL, 40 << 20, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK_MSG(uffd_image_save(img, m, 40 << 20, "guest memory") == 0,
		  "uffd_image_save: %s", uffd_pager_diagnostic());
	munmap(m, 40 << 20);
	close(fd);
	once(img, NULL, NULL, vmm);

	srv = uffd_server_start("127.0.0.1:0", img);
	CHECK_MSG(srv, "uffd_server_start: %s", uffd_pager_diagnostic());
	once(uffd_server_address(srv), NULL, NULL, vmm);
	uffd_server_stop(srv);

	if (find_redis() && (uffd_store_redis_open("unix:/nonexistent", "vm", 100) ||
			     errno != ENOTSUP)) {
		char arg[300];

		snprintf(arg, sizeof(arg), "--redis=unix:%s", tp_path("redis.sock"));
		start_redis(find_redis(), arg + 13);
		CHECK_MSG(uffd_store_redis_import(arg + 8, "vm", img) == 0,
			  "import: %s", uffd_pager_diagnostic());
		once(arg, "--prefix", "vm", vmm);
		stop_redis();
	} else {
		printf("Redis: not here (redis-server or hiredis missing)\n");
	}

	once(mem, NULL, NULL, old);

	/* Record the first-touch order, replay it: a plan, then served. */
	plan = tp_keep("plan");
	once(mem, "--record", plan, vmm);
	CHECK_OK(stat(plan, &sb));
	CHECK_MSG(sb.st_size > 32, "plan of %lld bytes", (long long)sb.st_size);
	once(mem, "--replay", plan, vmm);
	return 0;
}
