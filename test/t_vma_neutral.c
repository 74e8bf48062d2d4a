/*
 * Filling a registered region does not fragment it: a 1 GiB MISSING
 * registration is filled page by page with UFFDIO_COPY in random order
 * (after a sample of pages was filled through real faults); the process's
 * VMA count (/proc/self/maps) is the same before, halfway and after, every
 * page holds its own data, and a second COPY anywhere is EEXIST.
 */
#include "harness.h"

#define REGION (1UL << 30)

static long npages, words;
static char *base;
static int ufd;

static void stamp(uint64_t *w, long pg)
{
	w[0] = (uint64_t)pg * 0x9e3779b97f4a7c15ULL;
	w[1] = (uint64_t)pg;
	w[words / 2] = ~(uint64_t)pg;
	w[words - 1] = (uint64_t)pg ^ 0x5555aaaa5555aaaaULL;
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define NSAMPLE 64
static long sample[NSAMPLE];

static void *sampler(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < NSAMPLE; i++)
		if (((volatile uint64_t *)(base + sample[i] * t_page))[1] != (uint64_t)sample[i])
			return (void *)1;
	return NULL;
}

int main(void)
{
	uint64_t rng = 0x1234567887654321ULL, *src, *expect;
	long i, j, tmp, *order, served = 0;
	int before, mid = -1, after;
	struct uffd_msg m;
	pthread_t th;
	void *ret;

	t_init(110);
	npages = (long)(REGION / (unsigned long)t_page);
	words = t_page / 8;
	ufd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	base = t_map((size_t)npages);
	t_register(ufd, base, (size_t)npages, UFFDIO_REGISTER_MODE_MISSING);
	src = t_map(1);
	expect = t_map(1);
	for (i = 0; i < words; i++)
		src[i] = expect[i] = 0x0101010101010101ULL * (uint64_t)(i & 0xff);

	order = malloc((size_t)npages * sizeof(*order));
	CHECK(order);
	for (i = 0; i < npages; i++)
		order[i] = i;
	for (i = npages - 1; i > 0; i--) {
		j = (long)(next(&rng) % (uint64_t)(i + 1));
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}

	/* A sample through real faults: the first NSAMPLE pages of the order. */
	for (i = 0; i < NSAMPLE; i++)
		sample[i] = order[i];
	CHECK_OK(-pthread_create(&th, NULL, sampler, NULL));
	while (served < NSAMPLE) {
		struct uffdio_copy c;
		long pg;

		CHECK(t_read_msg(ufd, &m, 10000));
		pg = (long)((m.arg.pagefault.address - (uintptr_t)base) / (uint64_t)t_page);
		CHECK_EQ(pg, sample[served]);
		stamp(src, pg);
		c = (struct uffdio_copy){ .dst = m.arg.pagefault.address,
					  .src = (uintptr_t)src, .len = (uint64_t)t_page };
		CHECK_OK(uffd_ioctl(ufd, UFFDIO_COPY, &c));
		served++;
	}
	CHECK_OK(-pthread_join(th, &ret));
	CHECK(ret == NULL);

	printf("filling %ld pages in random order\n", npages - NSAMPLE);
	before = t_vma_count();
	for (i = NSAMPLE; i < npages; i++) {
		struct uffdio_copy c;

		stamp(src, order[i]);
		c = (struct uffdio_copy){ .dst = (uintptr_t)base + (uintptr_t)(order[i] * t_page),
					  .src = (uintptr_t)src, .len = (uint64_t)t_page };
		if (uffd_ioctl(ufd, UFFDIO_COPY, &c))
			t_fail(__FILE__, __LINE__, "COPY #%ld (page %ld): %s", i,
			       order[i], t_errname(errno));
		if (i == npages / 2)
			mid = t_vma_count();
	}
	after = t_vma_count();
	printf("VMAs: before %d, halfway %d, after %d (%ld pages)\n", before, mid,
	       after, npages);
	CHECK_EQ(mid, before);
	CHECK_EQ(after, before);

	for (i = 0; i < npages; i++) {
		stamp(expect, i);
		CHECK_MSG(memcmp(expect, base + i * t_page, (size_t)t_page) == 0,
			  "page %ld has wrong contents", i);
	}
	for (i = 0; i < 64; i++) {
		long pg = (long)(next(&rng) % (uint64_t)npages);
		struct uffdio_copy c = { .dst = (uintptr_t)base + (uintptr_t)(pg * t_page),
					 .src = (uintptr_t)src, .len = (uint64_t)t_page };

		CHECK_ERR(uffd_ioctl(ufd, UFFDIO_COPY, &c), EEXIST);
		CHECK_EQ(c.copy, -EEXIST);
	}
	CHECK_EQ(t_poll(ufd, POLLIN, 0), 0);
	CHECK_EQ(t_vma_count(), before);
	close(ufd);
	free(order);
	return 0;
}
