/*
 * close() of the uffd while other threads fault on its range (spec 9.6).
 * Four threads read every page of a 64-page registered range in random
 * orders; the handler resolves some faults with UFFDIO_COPY, then holds the
 * messages it reads until every reader is blocked; the descriptor is then
 * closed (its only copy, or the last of two), before or racing with the
 * handler's COPYs of the held messages.  The close unregisters everything
 * and wakes every waiter: every reader must finish, every page must be the
 * copied pattern (COPY succeeded) or zero (COPY said EBADF, or EEXIST in
 * the race) - never torn - and what a reader saw must be what the page
 * holds at the end.  The handler polls with a short timeout: a kernel uffd
 * is released only when no read() or poll() holds the file any more.
 */
#include "race.h"

#define NP	64
#define NT	4
#define ROUNDS	12

int main(void)
{
	static size_t order[NT][NP];
	static int seen[NT][NP];
	unsigned long copies = 0, enoent = 0, eexist = 0, ebadf = 0, zero_pages = 0;
	uint64_t seed = 0x1234567;
	int round;

	t_init(120);
	for (round = 0; round < ROUNDS; round++) {
		struct r_hold r;
		int copied[NP];
		struct r_handler h;
		struct r_reader rd[NT];
		size_t nr;
		int fd, t;

		memset(&r, 0, sizeof(r));
		memset(copied, 0, sizeof(copied));
		r.base = t_map(NP);
		r.np = NP;
		r.copied = copied;
		/* EBADF: closed; ENOENT: unregistered by the close; EEXIST: the race. */
		r.allowed = R_ERR(EEXIST) | R_ERR(ENOENT) | R_ERR(EBADF);
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

		if (round % 3 == 2) {
			/* Two copies: the first close changes nothing. */
			int fd2 = dup(fd);

			CHECK(fd2 >= 0);
			CHECK_OK(close(fd2));
			CHECK_EQ(r.flushed, 0);
			for (t = 0; t < NT; t++)
				CHECK(!__atomic_load_n(&rd[t].done, __ATOMIC_ACQUIRE));
		}
		if (round & 1) {
			/* The held COPYs race with the close. */
			__atomic_store_n(&r.release, 1, __ATOMIC_RELEASE);
			CHECK_OK(close(fd));
		} else {
			CHECK_OK(close(fd));
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
			for (t = 0; t < NT; t++)
				CHECK_MSG(seen[t][nr] == v, "round %d page %zu: reader %d "
					  "saw %d, page is %d", round, nr, t, seen[t][nr], v);
			zero_pages += v == R_ZERO;
		}
		copies += h.copies;
		enoent += h.enoent;
		eexist += h.eexist;
		ebadf += h.ebadf;
		CHECK_OK(munmap(r.base, NP * (size_t)t_page));
	}
	printf("%d rounds: %lu copies, %lu ENOENT, %lu EEXIST, %lu EBADF, %lu pages "
	       "left zero\n", ROUNDS, copies, enoent, eexist, ebadf, zero_pages);
	CHECK(zero_pages > 0);
	return 0;
}
