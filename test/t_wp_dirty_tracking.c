/*
 * Dirty tracking with write protection (spec 8): N populated pages are
 * protected; two threads write a known subset of them (each page written
 * several times, some by both threads) while a handler thread reads WP
 * faults, records each faulting page and un-protects just that page (which
 * wakes the writer).  At the end exactly the written pages were reported,
 * every message had flags 0x3, the data is right and the unwritten pages
 * are still protected.
 */
#include "harness.h"

#define NP 64

static int fd;
static char *p;
static volatile int stop;
static int reported[NP], nmsg, bad;

static int written(int i)
{
	return i % 3 == 0 || i % 7 == 2;
}

static void *writer(void *arg)
{
	long id = (long)arg;
	int round, i;

	for (round = 0; round < 3; round++)
		for (i = 0; i < NP; i++)
			if (written(i) && (id == 0 || i % 2 == 0))
				((volatile char *)p)[i * t_page + id] = (char)(i + 1);
	return NULL;
}

static void *handler(void *arg)
{
	struct uffd_msg m;

	(void)arg;
	while (!stop) {
		struct uffdio_writeprotect wp;
		long pg;

		if (!(t_poll(fd, POLLIN, 50) & POLLIN))
			continue;
		if (read(fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
			continue;	/* EAGAIN: raced */
		nmsg++;
		if (m.event != UFFD_EVENT_PAGEFAULT ||
		    m.arg.pagefault.flags != (UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE)) {
			bad++;
			continue;
		}
		pg = (long)((m.arg.pagefault.address - (uintptr_t)p) / (uint64_t)t_page);
		if (pg < 0 || pg >= NP || m.arg.pagefault.address % (uint64_t)t_page) {
			bad++;
			continue;
		}
		reported[pg] = 1;
		wp = (struct uffdio_writeprotect){
			{ m.arg.pagefault.address, (uint64_t)t_page }, 0 };
		if (uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
			bad++;
	}
	return NULL;
}

int main(void)
{
	struct uffdio_writeprotect wp;
	pthread_t h, w[2];
	struct t_toucher t;
	struct uffd_msg m;
	int i, n = 0;

	t_init(60);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(NP);
	memset(p, 0x7f, NP * (size_t)t_page);
	t_register(fd, p, NP, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, NP * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	CHECK_OK(-pthread_create(&h, NULL, handler, NULL));
	CHECK_OK(-pthread_create(&w[0], NULL, writer, (void *)0L));
	CHECK_OK(-pthread_create(&w[1], NULL, writer, (void *)1L));
	CHECK_OK(-pthread_join(w[0], NULL));
	CHECK_OK(-pthread_join(w[1], NULL));
	stop = 1;
	CHECK_OK(-pthread_join(h, NULL));

	CHECK_EQ(bad, 0);
	for (i = 0; i < NP; i++) {
		CHECK_MSG(reported[i] == written(i), "page %d: reported %d, written %d",
			  i, reported[i], written(i));
		n += written(i);
		if (written(i)) {
			CHECK_EQ(p[i * t_page], (char)(i + 1));
			CHECK_EQ(p[i * t_page + 1], i % 2 == 0 ? (char)(i + 1) : 0x7f);
			CHECK_EQ(p[i * t_page + 2], 0x7f);
		}
	}
	printf("%d pages written and reported, %d messages\n", n, nmsg);
	/*
	 * At least one message per written page, at most one per writer
	 * thread and page (a page is never protected again once reported).
	 */
	CHECK(nmsg >= n);
	CHECK(nmsg <= 2 * n);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* Unwritten pages are still protected. */
	t_touch_start(&t, p + t_page + 9, 1, 0x55);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
