/*
 * A program's SA_SIGINFO SIGSEGV handler installed BEFORE uffd_open keeps
 * working for memory the uffd does not own: an unmapped address gives
 * si_code SEGV_MAPERR, a write to a PROT_READ page and a read of a
 * PROT_NONE page SEGV_ACCERR, si_addr is the exact address, and the
 * handler recovers with siglongjmp.  Faults on registered memory are still
 * served by the uffd and never reach the handler.
 */
#include "harness.h"
#include <setjmp.h>

static sigjmp_buf env;
static volatile int nsig, last_signo, last_code;
static void *volatile last_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_signo = sig;
	last_code = si->si_code;
	last_addr = si->si_addr;
	nsig++;
	siglongjmp(env, 1);
}

static int try_access(volatile char *a, int write)
{
	last_signo = 0;
	if (sigsetjmp(env, 1) == 0) {
		if (write)
			*a = 1;
		else
			(void)*a;
		return 0;
	}
	return last_signo;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	struct t_toucher t;
	struct uffd_msg m;
	char *reg, *hole, *ro, *none;
	int fd, round;

	t_init(30);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));

	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	reg = t_map(4);
	t_register(fd, reg, 4, UFFDIO_REGISTER_MODE_MISSING);
	ro = t_map(1);
	CHECK_OK(mprotect(ro, (size_t)t_page, PROT_READ));
	none = t_map(1);
	CHECK_OK(mprotect(none, (size_t)t_page, PROT_NONE));
	/* Last mapping made before the accesses, so nothing reuses the hole. */
	CHECK_OK(t_copy_byte(fd, reg + 3 * t_page, 0, 0));
	hole = t_hole();

	for (round = 0; round < 2; round++) {
		CHECK_EQ(try_access(hole + 0x10, 0), SIGSEGV);
		CHECK_EQ(last_code, SEGV_MAPERR);
		CHECK(last_addr == hole + 0x10);

		CHECK_EQ(try_access(ro + 0x20, 1), SIGSEGV);
		CHECK_EQ(last_code, SEGV_ACCERR);
		CHECK(last_addr == ro + 0x20);
		CHECK_EQ(try_access(ro + 0x20, 0), 0);

		CHECK_EQ(try_access(none + 0x30, 0), SIGSEGV);
		CHECK_EQ(last_code, SEGV_ACCERR);
		CHECK(last_addr == none + 0x30);
	}
	CHECK_EQ(nsig, 6);

	/* A uffd fault in another thread and one in this thread. */
	t_touch_start(&t, reg + 3, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_OK(t_copy_byte(fd, reg, 0x4a, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x4a);
	t_touch_join(&t);
	CHECK_OK(t_copy_byte(fd, reg + t_page, 0x4b, 0));
	CHECK_EQ(try_access(reg + t_page, 0), 0);
	CHECK_EQ(reg[t_page], 0x4b);
	CHECK_EQ(nsig, 6);
	close(fd);
	return 0;
}
