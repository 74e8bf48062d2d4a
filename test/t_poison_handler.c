/*
 * Resolving MISSING faults with UFFDIO_POISON (spec 7.7; the kernel
 * selftest "poison"): a reader thread reads one byte of each of N pages; a
 * handler thread serves the faults, poisoning even pages and copying a
 * page of zeros into odd ones.  POISON wakes the reader, which re-faults
 * and gets SIGBUS (BUS_ADRERR at the exact address, caught by siglongjmp)
 * - exactly N/2 signals, all on even pages, N messages in all, and the
 * odd pages read 0.
 */
#include "harness.h"
#include <setjmp.h>

#define NP 16

static int fd;
static char *p, *zero;
static sigjmp_buf env;
static volatile int nsig, badsig, nmsg, bad;
static volatile int stop;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	long pg;

	(void)sig;
	(void)uc;
	pg = ((char *)si->si_addr - p) / t_page;
	if (si->si_code != BUS_ADRERR || pg < 0 || pg >= NP || pg % 2 ||
	    (char *)si->si_addr != p + pg * t_page + 7)
		badsig++;
	nsig++;
	siglongjmp(env, 1);
}

static void *handler(void *arg)
{
	struct uffd_msg m;

	(void)arg;
	while (!stop) {
		long pg;

		if (!(t_poll(fd, POLLIN, 50) & POLLIN))
			continue;
		if (read(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
			continue;
		nmsg++;
		pg = (long)((m.arg.pagefault.address - (uintptr_t)p) / (uint64_t)t_page);
		if (m.event != UFFD_EVENT_PAGEFAULT || m.arg.pagefault.flags != 0 ||
		    pg < 0 || pg >= NP) {
			bad++;
			continue;
		}
		if (pg % 2 == 0) {
			struct uffdio_poison po = {
				{ m.arg.pagefault.address, (uint64_t)t_page }, 0, 0 };

			if (uffd_ioctl(fd, UFFDIO_POISON, &po) || po.updated != t_page)
				bad++;
		} else {
			struct uffdio_copy c = { .dst = m.arg.pagefault.address,
						 .src = (uintptr_t)zero,
						 .len = (uint64_t)t_page };

			if (uffd_ioctl(fd, UFFDIO_COPY, &c))
				bad++;
		}
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	volatile int i;
	pthread_t h;
	volatile int sum = 0;

	t_init(30);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGBUS, &sa, NULL));
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(NP);
	zero = t_map(1);
	t_register(fd, p, NP, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(-pthread_create(&h, NULL, handler, NULL));

	for (i = 0; i < NP; i++) {
		if (sigsetjmp(env, 1) == 0)
			sum += ((volatile char *)p)[i * t_page + 7];
	}
	stop = 1;
	CHECK_OK(-pthread_join(h, NULL));
	printf("%d SIGBUS, %d messages\n", nsig, nmsg);
	CHECK_EQ(bad, 0);
	CHECK_EQ(badsig, 0);
	CHECK_EQ(nsig, NP / 2);
	CHECK_EQ(nmsg, NP);
	CHECK_EQ(sum, 0);
	close(fd);
	return 0;
}
