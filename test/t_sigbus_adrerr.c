/*
 * UFFD_FEATURE_SIGBUS (spec 9.5): a user-mode read or write of a missing
 * page raises SIGBUS with si_code BUS_ADRERR and si_addr == the exact
 * address; nothing is queued (read -> EAGAIN, poll -> 0); the page stays
 * missing (a COPY into it succeeds, after which the access works).
 */
#include "harness.h"
#include <setjmp.h>

static sigjmp_buf env;
static volatile int nsig, last_signo, last_code;
static void *volatile last_addr;

static void on_bus(int sig, siginfo_t *si, void *uc)
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
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_SIGBUS);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGBUS, &sa, NULL));
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_SIGBUS);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	CHECK_EQ(try_access(p + 0x123, 0), SIGBUS);
	CHECK_EQ(last_code, BUS_ADRERR);
	CHECK(last_addr == p + 0x123);
	CHECK_EQ(try_access(p + t_page + 0xfff, 1), SIGBUS);
	CHECK_EQ(last_code, BUS_ADRERR);
	CHECK(last_addr == p + t_page + 0xfff);
	CHECK_EQ(nsig, 2);

	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);

	CHECK_OK(t_copy_byte(fd, p, 0x52, 0));
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	CHECK_EQ(try_access(p + 0x123, 0), 0);
	CHECK_EQ(p[0x123], 0x52);
	CHECK_EQ(try_access(p + t_page + 0xfff, 1), 0);
	CHECK_EQ(p[t_page + 0xfff], 1);
	CHECK_EQ(nsig, 2);
	close(fd);
	return 0;
}
