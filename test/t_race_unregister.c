/*
 * UFFDIO_UNREGISTER while other threads fault on the range (spec 6, 9.6).
 * Four threads read every page of a 64-page registered range in random
 * orders; the handler resolves some faults with UFFDIO_COPY, then holds the
 * messages it reads until every reader is blocked; the range (all of it,
 * or one part) is then unregistered, before or racing with the handler's
 * COPYs of the held messages.  Every reader must finish; every page must be
 * either the copied pattern (COPY succeeded) or zero (unregistered first,
 * COPY said ENOENT or EEXIST) - never torn, never both - and what a reader
 * saw must be what the page holds at the end.
 */
#include "race.h"

#define NP	64
#define NT	4
#define ROUNDS	12

int main(void)
{
	static size_t order[NT][NP];
	static int seen[NT][NP];
	unsigned long copies = 0, enoent = 0, eexist = 0, zero_pages = 0;
	uint64_t seed = 0x1234567;
	int round;

	t_init(120);
	for (round = 0; round < ROUNDS; round++) {
		struct r_hold r;
		int copied[NP];
		struct r_handler h;
		struct r_reader rd[NT];
		struct uffdio_range ur;
		size_t nr, first, len;
		int fd, t;

		memset(&r, 0, sizeof(r));
		memset(copied, 0, sizeof(copied));
		r.base = t_map(NP);
		r.np = NP;
		r.copied = copied;
		/* ENOENT: the page was unregistered; EEXIST: resolved meanwhile. */
		r.allowed = R_ERR(EEXIST) | R_ERR(ENOENT);
		r.salt = (uint64_t)round + 1;
		r.resolve_first = (unsigned long)(round % 4) * 4;
		fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
		t_register(fd, r.base, NP, UFFDIO_REGISTER_MODE_MISSING);
		r_handler_start(&h, fd, r_hold_resolve, &r);
		for (t = 0; t < NT; t++) {
			r_shuffle(order[t], NP, &seed);
			memset(seen[t], 0xff, sizeof(seen[t]));
			r_reader_start(&rd[t], r.base, r.salt, order[t], NP, seen[t]);
		}
		/* Every reader blocked on a page whose message is held. */
		CHECK_MSG(r_wait_ge(&r.held, NT, 10000), "readers never all blocked "
			  "(held %lu)", r.held);

		switch (round % 3) {
		case 0: first = 0; len = NP; break;
		case 1: first = 0; len = NP / 2; break;
		default: first = NP / 4; len = NP / 2; break;
		}
		ur = (struct uffdio_range){ (uintptr_t)r.base + first * (size_t)t_page,
					    len * (size_t)t_page };
		if (round & 1) {
			/* The held COPYs race with the unregistration. */
			__atomic_store_n(&r.release, 1, __ATOMIC_RELEASE);
			CHECK_OK(uffd_ioctl(fd, UFFDIO_UNREGISTER, &ur));
		} else {
			CHECK_OK(uffd_ioctl(fd, UFFDIO_UNREGISTER, &ur));
			__atomic_store_n(&r.release, 1, __ATOMIC_RELEASE);
		}
		for (t = 0; t < NT; t++)
			r_reader_join(&rd[t], 10000);
		r_handler_stop(&h);

		for (nr = 0; nr < NP; nr++) {
			int v = r_check(r.base + nr * (size_t)t_page, r.salt, nr);

			CHECK_MSG(v != R_TORN, "round %d page %zu torn", round, nr);
			CHECK_MSG(v == (copied[nr] ? R_FULL : R_ZERO),
				  "round %d page %zu: %s but COPY %s", round, nr,
				  v == R_FULL ? "copied" : "zero",
				  copied[nr] ? "succeeded" : "did not");
			/* Outside the unregistered part every page was copied. */
			if (nr < first || nr >= first + len)
				CHECK_MSG(v == R_FULL, "round %d page %zu not copied", round, nr);
			for (t = 0; t < NT; t++)
				CHECK_MSG(seen[t][nr] == v, "round %d page %zu: reader %d "
					  "saw %d, page is %d", round, nr, t, seen[t][nr], v);
			zero_pages += v == R_ZERO;
		}
		copies += h.copies;
		enoent += h.enoent;
		eexist += h.eexist;
		close(fd);
		CHECK_OK(munmap(r.base, NP * (size_t)t_page));
	}
	printf("%d rounds: %lu copies, %lu ENOENT, %lu EEXIST, %lu pages left zero\n",
	       ROUNDS, copies, enoent, eexist, zero_pages);
	CHECK(zero_pages > 0);
	return 0;
}
