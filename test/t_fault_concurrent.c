/*
 * Several pages faulted concurrently by several threads (spec 9.3): 8
 * threads over 6 pages (some sharing a page) all block; a handler that
 * reads messages in batches and resolves each page with UFFDIO_COPY
 * (EEXIST for duplicates -> UFFDIO_WAKE) lets every thread complete with
 * the data of its own page.  Every message names one of the touched pages.
 */
#include "harness.h"

#define NT 8
#define NP 6

int main(void)
{
	struct t_toucher t[NT];
	struct uffd_msg m[16];
	int nmsg = 0, copied = 0, fd, i, n, done, iter;
	char *p;

	t_init(60);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(NP + 2);
	t_register(fd, p, NP + 2, UFFDIO_REGISTER_MODE_MISSING);

	for (i = 0; i < NT; i++)
		t_touch_start(&t[i], p + (i % NP) * t_page + 16 * i, 0, 0);

	for (iter = 0;; iter++) {
		done = 0;
		for (i = 0; i < NT; i++)
			done += __atomic_load_n(&t[i].done, __ATOMIC_ACQUIRE);
		if (done == NT)
			break;
		CHECK_MSG(iter < 500, "%d threads still blocked", NT - done);
		if (!(t_poll(fd, POLLIN, 20) & POLLIN))
			continue;
		n = t_drain(fd, m, 16);
		for (i = 0; i < n; i++) {
			uint64_t a = m[i].arg.pagefault.address;
			long pg = (long)((a - (uintptr_t)p) / (uint64_t)t_page);

			nmsg++;
			CHECK_EQ(m[i].event, UFFD_EVENT_PAGEFAULT);
			CHECK_EQ(a % (uint64_t)t_page, 0);
			CHECK(a >= (uintptr_t)p && pg < NP);
			if (t_copy_byte(fd, (void *)(uintptr_t)a, (int)(0x40 + pg), 0) == 0) {
				copied++;
			} else {
				CHECK_EQ(errno, EEXIST);
				CHECK_OK(t_wake(fd, (void *)(uintptr_t)a, (size_t)t_page));
			}
		}
	}
	for (i = 0; i < NT; i++) {
		CHECK_EQ(t[i].seen, 0x40 + i % NP);
		t_touch_join(&t[i]);
	}
	CHECK_EQ(copied, NP);
	CHECK(nmsg >= NP && nmsg <= NT);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	/* The 2 untouched pages are still missing. */
	CHECK_OK(t_copy_byte(fd, p + NP * t_page, 1, 0));
	CHECK_OK(t_copy_byte(fd, p + (NP + 1) * t_page, 1, 0));
	printf("%d messages for %d threads on %d pages\n", nmsg, NT, NP);
	close(fd);
	return 0;
}
