/*
 * Access permission is checked before userfaultfd (spec 9.1): a read of a
 * missing page in a registered PROT_NONE VMA, and a write to a missing
 * page in a registered PROT_READ VMA, raise SIGSEGV with SEGV_ACCERR at
 * the exact address (seen by the program's handler) and queue no message.
 * A read of a missing page in the PROT_READ VMA is an ordinary uffd fault.
 */
#include "harness.h"
#include <setjmp.h>

static sigjmp_buf env;
static volatile int last_signo, last_code;
static void *volatile last_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_signo = sig;
	last_code = si->si_code;
	last_addr = si->si_addr;
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
	char *none, *ro;
	int fd;

	t_init(30);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	none = t_map(2);
	ro = t_map(2);
	CHECK_OK(mprotect(none, 2 * (size_t)t_page, PROT_NONE));
	CHECK_OK(mprotect(ro, 2 * (size_t)t_page, PROT_READ));
	t_register(fd, none, 2, UFFDIO_REGISTER_MODE_MISSING);
	t_register(fd, ro, 2, UFFDIO_REGISTER_MODE_MISSING);

	CHECK_EQ(try_access(none + 0x44, 0), SIGSEGV);
	CHECK_EQ(last_code, SEGV_ACCERR);
	CHECK(last_addr == none + 0x44);
	CHECK_EQ(try_access(none + t_page, 1), SIGSEGV);
	CHECK_EQ(last_code, SEGV_ACCERR);
	CHECK(last_addr == none + t_page);
	CHECK_EQ(try_access(ro + 0x55, 1), SIGSEGV);
	CHECK_EQ(last_code, SEGV_ACCERR);
	CHECK(last_addr == ro + 0x55);
	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* Read of the PROT_READ VMA: a normal read fault. */
	t_touch_start(&t, ro + t_page + 1, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)ro + (uintptr_t)t_page);
	CHECK_OK(t_copy_byte(fd, ro + t_page, 0x3a, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x3a);
	t_touch_join(&t);
	/* The missing pages refused above are still missing. */
	CHECK_OK(t_copy_byte(fd, ro, 0x3b, 0));
	CHECK_OK(t_copy_byte(fd, none, 0x3c, 0));
	CHECK_OK(mprotect(none, 2 * (size_t)t_page, PROT_READ));
	CHECK_EQ(none[0x44], 0x3c);
	close(fd);
	return 0;
}
