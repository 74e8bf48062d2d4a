/*
 * UFFDIO_POISON (spec 7.7): poisoning 2 missing pages returns 0 with
 * updated == len; afterwards every access raises SIGBUS, si_code
 * BUS_ADRERR and si_addr the exact address (reads and writes, both pages,
 * repeatedly), with no uffd message queued.  Works without requesting
 * UFFD_FEATURE_POISON.
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
	last_addr = NULL;
	if (sigsetjmp(env, 1) == 0) {
		if (write)
			*a = 1;
		else
			(void)*a;
		return 0;
	}
	return last_signo;
}

static void expect_bus(char *a, int write)
{
	CHECK_EQ(try_access(a, write), SIGBUS);
	CHECK_EQ(last_code, BUS_ADRERR);
	CHECK_MSG(last_addr == a, "si_addr %p, expected %p", last_addr, (void *)a);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	struct uffdio_poison po;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGBUS, &sa, NULL));
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING);

	po = (struct uffdio_poison){ { (uintptr_t)p, 2 * (uint64_t)t_page }, 0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &po));
	CHECK_EQ(po.updated, 2 * t_page);

	expect_bus(p + 0x11, 0);
	expect_bus(p + 0x11, 1);
	expect_bus(p, 0);
	expect_bus(p + t_page - 1, 1);
	expect_bus(p + t_page + 0x777, 0);
	expect_bus(p + 2 * t_page - 8, 1);
	expect_bus(p + 0x11, 0);
	CHECK_EQ(nsig, 7);
	CHECK_EQ(t_poll(fd, POLLIN, 50), 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);

	/* The third page was not poisoned: it is still missing. */
	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x33, 0));
	CHECK_EQ(try_access(p + 2 * t_page, 0), 0);
	CHECK_EQ(p[2 * t_page], 0x33);
	CHECK_EQ(nsig, 7);
	close(fd);
	return 0;
}
