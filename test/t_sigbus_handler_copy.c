/*
 * UFFD_FEATURE_SIGBUS resolved from the signal handler (spec 9.5, as the
 * kernel selftest does): the SIGBUS handler fills the faulting page with
 * UFFDIO_COPY on the uffd and returns; the access is retried and sees the
 * data (read), or stores into the new page (write).  One signal per page;
 * also from a second thread.
 */
#include "harness.h"

static int ufd;
static char *src;
static volatile int nsig, bad;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr & ~((uintptr_t)t_page - 1);
	struct uffdio_copy c = { .dst = a, .src = (uintptr_t)src,
				 .len = (uint64_t)t_page };
	int e = errno;

	(void)uc;
	nsig++;
	if (sig != SIGBUS || si->si_code != BUS_ADRERR ||
	    uffd_ioctl(ufd, UFFDIO_COPY, &c) != 0 || c.copy != t_page)
		bad = 1;
	errno = e;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	struct t_toucher t;
	volatile char *p;
	long i;

	t_init(30);
	t_require(UFFD_FEATURE_SIGBUS);
	src = t_map(1);
	memset(src, 0x6e, (size_t)t_page);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGBUS, &sa, NULL));
	ufd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_SIGBUS);
	p = t_map(8);
	t_register(ufd, (void *)p, 8, UFFDIO_REGISTER_MODE_MISSING);

	CHECK_EQ(p[100], 0x6e);
	CHECK_EQ(nsig, 1);
	p[t_page + 5] = 0x01;
	CHECK_EQ(nsig, 2);
	CHECK_EQ(p[t_page + 5], 0x01);
	CHECK_EQ(p[t_page + 6], 0x6e);
	for (i = 2; i < 6; i++)
		CHECK_EQ(p[i * t_page + i], 0x6e);
	CHECK_EQ(nsig, 6);

	t_touch_start(&t, (char *)p + 6 * t_page, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x6e);
	t_touch_join(&t);
	CHECK_EQ(nsig, 7);
	CHECK_EQ(bad, 0);
	CHECK_EQ(t_poll(ufd, POLLIN, 0), 0);
	close(ufd);
	return 0;
}
