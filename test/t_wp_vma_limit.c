/*
 * Write-protecting every other page of a 1 GiB WP-registered region, one
 * UFFDIO_WRITEPROTECT per page, then un-protecting them (spec 8; VMA use).
 * The pages are populated with the zero page (MADV_POPULATE_READ: present
 * PTEs, so the protection applies without WP_UNPOPULATED, no RAM used).
 *
 * The expectation depends on the engine, deliberately:
 *  - kernel: protection is a per-PTE bit, so all 131072 calls succeed and
 *    the process's VMA count (/proc/self/maps) never changes.
 *  - emulated: protection is mprotect(PROT_READ), which splits the VMA
 *    around every protected page; 131072 scattered pages need ~262144 VMAs,
 *    beyond vm.max_map_count, so the engine cannot stay VMA-neutral.  The
 *    requirement is a clean failure: some call fails with ENOMEM (no crash);
 *    every page whose call succeeded is protected (sampled: a write gives a
 *    WP message), the page of the failing call is not; un-protecting every
 *    protected page afterwards succeeds and the VMA count returns to its
 *    starting value.  The number of pages protected before ENOMEM is printed.
 * Both: un-protected pages are writable without a message at the end.
 * VMAs are counted in the region only: other threads (the engine's, a
 * sanitizer's) may map memory of their own meanwhile.
 */
#include "harness.h"

#define REGION (1UL << 30)
#define NSAMPLE 16

static int fd;
static char *base;

static int wp(long pg, uint64_t mode)
{
	struct uffdio_writeprotect w = {
		{ (uintptr_t)base + (uintptr_t)pg * (uintptr_t)t_page, (uint64_t)t_page }, mode,
	};

	return uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &w);
}

static void expect_protected(long pg)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *a = base + pg * t_page;

	t_touch_start(&t, a + 1, 1, 0x5a);
	CHECK_MSG(t_read_msg(fd, &m, 5000), "page %ld: no WP fault", pg);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)a);
	CHECK_OK(wp(pg, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(a[1], 0x5a);
	CHECK_EQ(a[0], 0);
}

static void expect_writable(long pg)
{
	struct t_toucher t;
	struct uffd_msg m;

	t_touch_start(&t, base + pg * t_page + 2, 1, 0x5b);
	CHECK_MSG(t_touch_wait(&t, 5000), "page %ld: write blocked", pg);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
}

int main(void)
{
	long npages, pg, done = 0, sample[NSAMPLE], failed = -1;
	int emulated, before, during, after, i, err = 0;

	t_init(60);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	emulated = !strcmp(t_engine_name, "emulated");
#if defined(__SANITIZE_ADDRESS__)
	if (emulated)
		t_skip("under ASan: at the VMA limit ASan's own allocator fails first");
#endif
	npages = (long)(REGION / (unsigned long)t_page);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	base = t_map((size_t)npages);
	CHECK_OK(madvise(base, REGION, MADV_POPULATE_READ));
	t_register(fd, base, (size_t)npages, UFFDIO_REGISTER_MODE_WP);
	/* A first thread: its (cached) stack is part of the baseline. */
	expect_writable(npages - 2);
	before = t_vma_count_in(base, REGION);

	for (pg = 0; pg < npages; pg += 2) {
		if (wp(pg, UFFDIO_WRITEPROTECT_MODE_WP)) {
			err = errno;
			failed = pg;
			break;
		}
		done++;
	}
	during = t_vma_count_in(base, REGION);
	printf("%s: %ld of %ld pages protected, then %s; VMAs %d -> %d\n",
	       t_engine_name, done, npages / 2, err ? t_errname(err) : "done",
	       before, during);

	if (!emulated) {
		CHECK_EQ(err, 0);
		CHECK_EQ(done, npages / 2);
		CHECK_EQ(during, before);
	} else {
		CHECK_MSG(err == ENOMEM, "emulated: expected ENOMEM at the VMA limit, got %s",
			  t_errname(err));
		CHECK(done > 0);
	}

	/* Keep a sample protected; un-protect the rest, one call per page. */
	for (i = 0; i < NSAMPLE; i++)
		sample[i] = (done - 1) * i / (NSAMPLE - 1) * 2;
	for (pg = 0, i = 0; pg < done * 2; pg += 2) {
		if (i < NSAMPLE && pg == sample[i]) {
			while (i < NSAMPLE && sample[i] == pg)
				i++;
			continue;
		}
		if (wp(pg, 0))
			t_fail(__FILE__, __LINE__, "un-protect page %ld: %s", pg,
			       t_errname(errno));
	}
	for (i = 0; i < NSAMPLE; i++)
		if (i == 0 || sample[i] != sample[i - 1])
			expect_protected(sample[i]);
	/*
	 * The failing call's mprotect() may have split the VMA once before
	 * ENOMEM (the kernel makes the two splits one at a time and does not
	 * undo the first).  With VMAs free again, protecting and un-protecting
	 * that page merges it back; whether it was split depends on how many
	 * VMAs the process had, not on the engine.
	 */
	if (failed >= 0) {
		CHECK_OK(wp(failed, UFFDIO_WRITEPROTECT_MODE_WP));
		CHECK_OK(wp(failed, 0));
	}
	after = t_vma_count_in(base, REGION);
	printf("VMAs after un-protecting: %d\n", after);
	CHECK_EQ(after, before);

	if (failed >= 0)
		expect_writable(failed);
	expect_writable(1);
	expect_writable(done * 2 - 2);
	expect_writable(npages - 1);
	CHECK_EQ(t_vma_count_in(base, REGION), before);
	close(fd);
	return 0;
}
