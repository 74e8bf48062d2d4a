/*
 * MISSING faults resolved with UFFDIO_MOVE (spec 7.8; the kernel selftest
 * "move"): a reader thread reads every page of an N-page registered range
 * in order; a handler thread prepares each faulting page's contents in a
 * staging buffer and moves it into place.  The reader sees each page's own
 * data, the handler served exactly N faults (all reads, all distinct
 * pages), and the staging pages are empty afterwards.
 */
#include "harness.h"

#define NP 32

static int fd;
static char *dst, *stage;
static volatile int stop, nfault, bad;
static int seen[NP];

static void *reader(void *arg)
{
	long i, errs = 0;

	(void)arg;
	for (i = 0; i < NP; i++) {
		volatile char *q = dst + i * t_page;

		if (q[0] != (char)(i + 1) || q[t_page - 1] != (char)(i + 1))
			errs++;
	}
	return (void *)errs;
}

static void *handler(void *arg)
{
	struct uffd_msg m;

	(void)arg;
	while (!stop) {
		struct uffdio_move mv;
		long pg;

		if (!(t_poll(fd, POLLIN, 50) & POLLIN))
			continue;
		if (read(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
			continue;
		nfault++;
		pg = (long)((m.arg.pagefault.address - (uintptr_t)dst) / (uint64_t)t_page);
		if (m.event != UFFD_EVENT_PAGEFAULT || m.arg.pagefault.flags != 0 ||
		    pg < 0 || pg >= NP || seen[pg]++) {
			bad++;
			continue;
		}
		memset(stage + pg * t_page, (int)(pg + 1), (size_t)t_page);
		mv = (struct uffdio_move){ m.arg.pagefault.address,
					   (uintptr_t)stage + (uintptr_t)(pg * t_page),
					   (uint64_t)t_page, 0, 0 };
		if (uffd_ioctl(fd, UFFDIO_MOVE, &mv) || mv.move != t_page)
			bad++;
	}
	return NULL;
}

int main(void)
{
	pthread_t h, r;
	void *errs;
	long i;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(NP);
	stage = t_map(NP);
	t_register(fd, dst, NP, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(-pthread_create(&h, NULL, handler, NULL));
	CHECK_OK(-pthread_create(&r, NULL, reader, NULL));
	CHECK_OK(-pthread_join(r, &errs));
	stop = 1;
	CHECK_OK(-pthread_join(h, NULL));

	CHECK_EQ(bad, 0);
	CHECK_EQ((long)errs, 0);
	CHECK_EQ(nfault, NP);
	for (i = 0; i < NP; i++) {
		CHECK_EQ(seen[i], 1);
		CHECK_EQ(stage[i * t_page], 0);
		CHECK_EQ(dst[i * t_page + 5], (char)(i + 1));
	}
	close(fd);
	return 0;
}
