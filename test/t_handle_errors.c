/* SPDX-License-Identifier: MIT */
/*
 * `uffd handle` when its store fails: the VMM (examples/raw_fc_vmm on the
 * engine under test, which does not ask for thread ids, as Firecracker
 * does not) gets the configured outcome instead of hanging, and the
 * handler says why and serves on.
 *
 *   corrupt image, default policy (sigbus): the VMM dies of SIGBUS; the
 *	handler names the page ("checksum mismatch")
 *   corrupt image, --on-error zero: the VMM finishes, that one page
 *	zeros (1 wrong), every other page right
 *   page server killed before the VMM comes: the VMM dies of SIGBUS
 *	within --timeout; the handler names the server
 */
#include "handle_util.h"

#define BAD 3000	/* a data page (3000 % 5 != 4) */

static const char *sock, *hlog, *vlog, *mem;

static int run_vmm(void)
{
	pid_t v = hu_vmm(sock, mem, vlog, NULL);
	int st = sp_wait(v, 120000);

	CHECK_MSG(st != -1, "raw_fc_vmm hung:\n%s\nhandler:\n%s", sp_slurp(vlog),
		  sp_slurp(hlog));
	return st;
}

static void stop(pid_t h)
{
	int st;

	kill(h, SIGTERM);
	st = sp_wait(h, 30000);
	CHECK_MSG(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "uffd handle: status %#x:\n%s", st, sp_slurp(hlog));
}

int main(void)
{
	const char *img;
	struct uffd_server *srv;
	char addr[128];
	pid_t h;
	void *m;
	int fd, st;
	unsigned char c;
	uint64_t off;

	t_init(600);
	hu_require_engine();
	tp_no_core();
	sock = tp_keep("h.sock");
	hlog = tp_keep("handler.log");
	vlog = tp_keep("vmm.log");
	mem = tp_keep("mem.raw");
	img = tp_keep("mem.img");
	tp_make_raw(mem, (40 << 20) / (size_t)t_page, 5);
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	m = mmap(NULL, 40 << 20, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(uffd_image_save(img, m, 40 << 20, "guest") == 0);
	munmap(m, 40 << 20);
	close(fd);
	/* One byte of page BAD's data, in the image only. */
	off = (uint64_t)t_page + (((40 << 20) / (uint64_t)t_page * 8 + (uint64_t)t_page - 1) /
				  (uint64_t)t_page) * (uint64_t)t_page + BAD * (uint64_t)t_page;
	fd = open(img, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0 && pread(fd, &c, 1, (off_t)off + 9) == 1);
	c ^= 0x10;
	CHECK(pwrite(fd, &c, 1, (off_t)off + 9) == 1);
	close(fd);

	h = hu_handler(sock, hlog, (const char *[]){ "--quiet", NULL }, img);
	st = run_vmm();
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
		  "corrupt page, sigbus: VMM status %#x:\n%s", st, sp_slurp(vlog));
	CHECK_MSG(sp_await_text(hlog, "page 3000: checksum mismatch", 10000),
		  "handler:\n%s", sp_slurp(hlog));
	stop(h);

	h = hu_handler(sock, hlog, (const char *[]){ "--quiet", "--on-error", "zero",
						     NULL }, img);
	st = run_vmm();
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1 &&
		  strstr(sp_slurp(vlog), ", 1 wrong"),
		  "corrupt page, zero: VMM status %#x:\n%s", st, sp_slurp(vlog));
	stop(h);

	srv = uffd_server_start("127.0.0.1:0", img);
	CHECK(srv);
	snprintf(addr, sizeof(addr), "%s", uffd_server_address(srv));
	h = hu_handler(sock, hlog, (const char *[]){ "--quiet", "--timeout", "500",
						     NULL }, addr);
	uffd_server_stop(srv);		/* gone before the VMM comes */
	st = run_vmm();
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
		  "server gone: VMM status %#x:\n%s", st, sp_slurp(vlog));
	CHECK_MSG(sp_await_text(hlog, addr, 10000), "handler:\n%s", sp_slurp(hlog));
	stop(h);
	return 0;
}
