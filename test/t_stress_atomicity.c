/*
 * Atomicity stress (spec 7.3): 4 reader threads read random pages of a
 * 64 MiB registered region (starting at a random word of the page) while 2
 * handler threads resolve the faults with UFFDIO_COPY of pages whose words
 * are derived from the page index plus a checksum word (EEXIST -> WAKE).
 * Every page a reader sees must be complete and correct - never torn,
 * never zero - and every page read must have been installed by exactly
 * one successful COPY.  Runs ~3 s; prints the counts.
 */
#include "harness.h"
#include <time.h>

#define REGION		(64UL << 20)
#define NREADERS	4
#define NHANDLERS	2
#define SECONDS		3

static int ufd;
static char *base;
static long npages, words;
static uint8_t *copied_map, *read_map;
static volatile int stop_readers, stop_handlers;
static long copies, eexists, wakes, msgs, reads, corrupt;
static volatile long first_bad_page = -1;

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void fill(uint64_t *w, long pg)
{
	uint64_t sum = 0;
	long i;

	for (i = 0; i < words - 1; i++) {
		w[i] = mix((uint64_t)pg * (uint64_t)words + (uint64_t)i) | 1;
		sum ^= w[i];
	}
	w[words - 1] = sum ^ (uint64_t)pg;
}

static void *handler(void *arg)
{
	uint64_t *src = t_map(1);
	struct uffd_msg m[16];
	int n, i;

	(void)arg;
	while (!__atomic_load_n(&stop_handlers, __ATOMIC_ACQUIRE)) {
		if (!(t_poll(ufd, POLLIN, 20) & POLLIN))
			continue;
		n = t_drain(ufd, m, 16);
		for (i = 0; i < n; i++) {
			uint64_t a = m[i].arg.pagefault.address;
			long pg = (long)((a - (uintptr_t)base) / (uint64_t)t_page);
			struct uffdio_copy c;

			__atomic_add_fetch(&msgs, 1, __ATOMIC_RELAXED);
			if (m[i].event != UFFD_EVENT_PAGEFAULT || pg < 0 || pg >= npages)
				t_fail(__FILE__, __LINE__, "bad message %#x %#llx",
				       m[i].event, (unsigned long long)a);
			fill(src, pg);
			c = (struct uffdio_copy){ .dst = a, .src = (uintptr_t)src,
						  .len = (uint64_t)t_page };
			if (uffd_ioctl(ufd, UFFDIO_COPY, &c) == 0) {
				if (__atomic_exchange_n(&copied_map[pg], 1, __ATOMIC_RELAXED))
					t_fail(__FILE__, __LINE__, "page %ld copied twice", pg);
				__atomic_add_fetch(&copies, 1, __ATOMIC_RELAXED);
			} else if (errno == EEXIST) {
				__atomic_add_fetch(&eexists, 1, __ATOMIC_RELAXED);
				if (t_wake(ufd, (void *)(uintptr_t)a, (size_t)t_page))
					t_fail(__FILE__, __LINE__, "WAKE: %s", t_errname(errno));
				__atomic_add_fetch(&wakes, 1, __ATOMIC_RELAXED);
			} else {
				t_fail(__FILE__, __LINE__, "COPY page %ld: %s (copy %lld)",
				       pg, t_errname(errno), (long long)c.copy);
			}
		}
	}
	return NULL;
}

static void *reader(void *arg)
{
	uint64_t rng = mix((uint64_t)(uintptr_t)arg + 12345), sum, v, want;
	long pg, i, k, start, n = 0;
	volatile uint64_t *w;

	while (!__atomic_load_n(&stop_readers, __ATOMIC_ACQUIRE)) {
		rng = mix(rng);
		pg = (long)(rng % (uint64_t)npages);
		start = (long)((rng >> 32) % (uint64_t)words);
		w = (volatile uint64_t *)(base + pg * t_page);
		sum = 0;
		for (k = 0; k < words; k++) {
			i = (start + k) % words;
			v = w[i];
			if (i == words - 1)
				continue;
			want = mix((uint64_t)pg * (uint64_t)words + (uint64_t)i) | 1;
			sum ^= v;
			if (v != want) {
				__atomic_add_fetch(&corrupt, 1, __ATOMIC_RELAXED);
				first_bad_page = pg;
				break;
			}
		}
		if (k == words && (w[words - 1] ^ sum) != (uint64_t)pg) {
			__atomic_add_fetch(&corrupt, 1, __ATOMIC_RELAXED);
			first_bad_page = pg;
		}
		__atomic_store_n(&read_map[pg], 1, __ATOMIC_RELAXED);
		n++;
	}
	__atomic_add_fetch(&reads, n, __ATOMIC_RELAXED);
	return NULL;
}

int main(void)
{
	pthread_t r[NREADERS], h[NHANDLERS];
	long i, nread = 0, ncopied = 0;
	uint64_t *expect;
	int k;

	t_init(60);
	npages = (long)(REGION / (unsigned long)t_page);
	words = t_page / 8;
	ufd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	base = t_map((size_t)npages);
	copied_map = calloc((size_t)npages, 1);
	read_map = calloc((size_t)npages, 1);
	CHECK(copied_map && read_map);
	t_register(ufd, base, (size_t)npages, UFFDIO_REGISTER_MODE_MISSING);

	for (k = 0; k < NHANDLERS; k++)
		CHECK_OK(-pthread_create(&h[k], NULL, handler, NULL));
	for (k = 0; k < NREADERS; k++)
		CHECK_OK(-pthread_create(&r[k], NULL, reader, (void *)(intptr_t)k));
	for (k = 0; k < SECONDS * 10 && !__atomic_load_n(&corrupt, __ATOMIC_RELAXED); k++)
		t_msleep(100);
	__atomic_store_n(&stop_readers, 1, __ATOMIC_RELEASE);
	for (k = 0; k < NREADERS; k++)
		pthread_join(r[k], NULL);
	__atomic_store_n(&stop_handlers, 1, __ATOMIC_RELEASE);
	for (k = 0; k < NHANDLERS; k++)
		pthread_join(h[k], NULL);

	expect = t_map(1);
	for (i = 0; i < npages; i++) {
		nread += read_map[i];
		ncopied += copied_map[i];
		CHECK_MSG(!read_map[i] || copied_map[i], "page %ld read but never copied", i);
		if (copied_map[i]) {
			fill(expect, i);
			CHECK_MSG(memcmp(expect, base + i * t_page, (size_t)t_page) == 0,
				  "page %ld contents wrong after the run", i);
		}
	}
	printf("reads %ld, distinct pages read %ld of %ld, messages %ld, copies %ld, "
	       "EEXIST %ld, wakes %ld, corrupted %ld\n", reads, nread, npages, msgs,
	       copies, eexists, wakes, corrupt);
	CHECK_MSG(corrupt == 0, "%ld corrupted page reads (e.g. page %ld)", corrupt,
		  first_bad_page);
	CHECK_EQ(ncopied, copies);
	CHECK_EQ(ncopied, nread);
	CHECK(copies > 0);
	CHECK(msgs >= copies);
	CHECK_EQ(t_poll(ufd, POLLIN, 0), 0);
	close(ufd);
	return 0;
}
