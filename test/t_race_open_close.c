/*
 * Thousands of uffds opened and closed: no descriptor, mapping or memory
 * may leak.  After a warm-up, the test opens, uses (UFFDIO_API, REGISTER,
 * a fault resolved by ZEROPAGE or COPY on some) and closes 3000 uffds one
 * at a time, then 20 times holds 100 open at once, then has two threads
 * open and close 1000 each concurrently (while a third keeps a fault
 * pending on its own uffd).  Afterwards the number of open descriptors
 * (/proc/self/fd) and of mappings must be what it was, and the resident
 * set may have grown by at most 8 MiB (under ASan or TSan, whose own
 * mappings and quarantine grow meanwhile, only descriptors are checked).  Releases may finish in the
 * background: the final counts are awaited (bounded).
 */
#include "race.h"
#include <dirent.h>

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	CHECK(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

static long rss_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	CHECK(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static char *page;

static void use_one(int i)
{
	int fd = t_open_api(O_CLOEXEC | (i & 1 ? O_NONBLOCK : 0), 0);

	t_register(fd, page, 1, UFFDIO_REGISTER_MODE_MISSING);
	if (i % 10 == 0) {
		/* Resolve a page without a fault: ZEROPAGE, then zap it. */
		CHECK_OK(t_zeropage(fd, page, 1, 0));
		t_unregister(fd, page, 1);
		CHECK_OK(madvise(page, (size_t)t_page, MADV_DONTNEED));
	} else if (i % 10 == 5) {
		struct t_toucher t;
		struct uffd_msg m;

		t_touch_start(&t, page + 8, 0, 0);
		CHECK(t_read_msg(fd, &m, 5000));
		CHECK_OK(t_copy_byte(fd, page, i & 0x7f, 0));
		CHECK(t_touch_wait(&t, 5000));
		CHECK_EQ(t.seen, i & 0x7f);
		t_touch_join(&t);
		t_unregister(fd, page, 1);
		CHECK_OK(madvise(page, (size_t)t_page, MADV_DONTNEED));
	}
	CHECK_OK(close(fd));
}

static void *opener_main(void *arg)
{
	char *p = arg;
	int i;

	for (i = 0; i < 1000; i++) {
		int fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);

		t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
		if (i & 1)
			t_unregister(fd, p, 4);
		CHECK_OK(close(fd));
	}
	return NULL;
}

int main(void)
{
	int fds[100], fd0, fd1, vma0, vma1, i, k;
	long rss0, rss1;
	pthread_t th[2];
	struct t_toucher pend;
	char *p2[2], *pp, *many;

	t_init(240);
	page = t_map(1);
	p2[0] = t_map(4);
	p2[1] = t_map(4);
	pp = t_map(1);
	many = t_map(100);
	for (i = 0; i < 200; i++)
		use_one(i);
	/* Warm-up of what is cached, not leaked: thread stacks, engine tables. */
	for (i = 0; i < 2; i++)
		CHECK_OK(-pthread_create(&th[i], NULL, opener_main, p2[i]));
	t_touch_start(&pend, many + 99 * t_page, 0, 0);
	t_touch_join(&pend);
	for (i = 0; i < 2; i++)
		CHECK_OK(-pthread_join(th[i], NULL));
	for (i = 0; i < 100; i++) {
		fds[i] = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
		if (i % 7 == 0)
			t_register(fds[i], many + i * t_page, 1, UFFDIO_REGISTER_MODE_MISSING);
	}
	for (i = 0; i < 100; i++)
		CHECK_OK(close(fds[i]));

	t_msleep(100);
	fd0 = count_fds();
	vma0 = t_vma_count();
	rss0 = rss_kib();

	for (i = 0; i < 3000; i++)
		use_one(i);
	for (k = 0; k < 20; k++) {
		for (i = 0; i < 100; i++) {
			fds[i] = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
			if (i % 7 == 0)
				t_register(fds[i], many + i * t_page, 1,
					   UFFDIO_REGISTER_MODE_MISSING);
		}
		for (i = 0; i < 100; i++)
			CHECK_OK(close(fds[(i * 37 + k) % 100]));
	}
	{
		/* A fault pending on a uffd that stays open meanwhile. */
		int pfd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
		struct uffd_msg m;

		t_register(pfd, pp, 1, UFFDIO_REGISTER_MODE_MISSING);
		t_touch_start(&pend, pp, 0, 0);
		CHECK(t_read_msg(pfd, &m, 5000));
		for (i = 0; i < 2; i++)
			CHECK_OK(-pthread_create(&th[i], NULL, opener_main, p2[i]));
		for (i = 0; i < 2; i++)
			CHECK_OK(-pthread_join(th[i], NULL));
		CHECK(!__atomic_load_n(&pend.done, __ATOMIC_ACQUIRE));
		CHECK_OK(t_copy_byte(pfd, pp, 0x31, 0));
		CHECK(t_touch_wait(&pend, 5000));
		CHECK_EQ(pend.seen, 0x31);
		t_touch_join(&pend);
		CHECK_OK(close(pfd));
		CHECK_OK(munmap(pp, (size_t)t_page));
		pp = t_map(1);	/* same VMA count as before */
	}

	/* Releases may complete in the background: wait (bounded). */
	for (i = 0; i < 300; i++) {
		fd1 = count_fds();
		vma1 = t_vma_count();
		if (fd1 <= fd0 && vma1 <= vma0)
			break;
		t_msleep(10);
	}
	rss1 = rss_kib();

	printf("6200 uffds opened and closed: descriptors %d -> %d, mappings %d -> %d, "
	       "RSS %ld -> %ld KiB\n", fd0, fd1, vma0, vma1, rss0, rss1);
	CHECK_EQ(fd1, fd0);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/* The sanitizers' own mappings and quarantines grow meanwhile. */
	(void)vma1;
#else
	CHECK_EQ(vma1, vma0);
	CHECK_MSG(rss1 - rss0 < 8192, "RSS grew by %ld KiB", rss1 - rss0);
#endif
	return 0;
}
