/* SPDX-License-Identifier: MIT */
/*
 * `uffd handle` serving hugetlb guest memory (2 MiB pages, as Firecracker
 * with huge pages): examples/raw_fc_vmm --huge registers two MAP_HUGETLB
 * regions (8 and 4 MiB); the handler copies each 2 MiB page whole from
 * the raw memory file (zero ones too: hugetlb has no UFFDIO_ZEROPAGE);
 * two threads check every page; a 2 MiB balloon reads as zeros.
 *
 * Kernel engine: served, every page right.  Emulated engine: its hugetlb
 * support is not there yet, and that must be said, not hung on: the VMM
 * fails to register, or the handler says why and the VMM gets SIGBUS.
 * Sets up its own hugetlb pool (events_util.h), restored afterwards.
 */
#include "handle_util.h"
#include "events_util.h"

int main(void)
{
	const char *sock, *hlog, *vlog, *mem;
	pid_t h, v;
	int st;

	t_init(300);
	hu_require_engine();
	tp_no_core();
	hp_setup(16, 300);
	sock = tp_keep("h.sock");
	hlog = tp_keep("handler.log");
	vlog = tp_keep("vmm.log");
	mem = tp_keep("mem.raw");
	tp_make_raw(mem, (12 << 20) / (size_t)t_page, 5);
	h = hu_handler(sock, hlog, (const char *[]){ "--once", NULL }, mem);
	v = hu_vmm(sock, mem, vlog, (const char *[]){ "--huge", "--regions", "8,4",
						      "--balloon", "2", NULL });
	st = sp_wait(v, 120000);
	CHECK_MSG(st != -1, "raw_fc_vmm --huge hung:\n%s\nhandler:\n%s",
		  sp_slurp(vlog), sp_slurp(hlog));
	if (!strcmp(t_engine_name, "emulated")) {
		kill(h, SIGTERM);
		sp_wait(h, 30000);
		CHECK_MSG(!(WIFEXITED(st) && WEXITSTATUS(st) == 0),
			  "hugetlb on the emulated engine: served?\n%s", sp_slurp(vlog));
		CHECK_MSG(strstr(sp_slurp(vlog), "UFFDIO_REGISTER") ||
			  strstr(sp_slurp(hlog), "emulated engine cannot serve hugetlb"),
			  "no clear failure:\nVMM: %s\nhandler: %s", sp_slurp(vlog),
			  sp_slurp(hlog));
		printf("emulated engine: %s", sp_slurp(vlog));
		return 0;
	}
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "raw_fc_vmm --huge: status %#x:\n%s\nhandler:\n%s", st,
		  sp_slurp(vlog), sp_slurp(hlog));
	CHECK(strstr(sp_slurp(vlog), "3072 pages read by 2 threads"));
	CHECK(strstr(sp_slurp(vlog), "2 MiB discarded (MADV_DONTNEED) read as zeros"));
	st = sp_wait(h, 30000);
	CHECK_MSG(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "uffd handle: status %#x:\n%s", st, sp_slurp(hlog));
	CHECK_MSG(strstr(sp_slurp(hlog), "pages present    6 of 6"), "handler:\n%s",
		  sp_slurp(hlog));
	printf("%s", sp_slurp(hlog));
	return 0;
}
