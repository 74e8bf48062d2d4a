/*
 * fork() while threads are blocked on faults (spec 9.7), with the handler
 * COPYing at the same time.  Four threads fault on pages of a registered
 * range; once all of them are blocked (their messages read and held), the
 * held COPYs are released and the main thread forks at once, so the fork
 * races with the installs.  The child (no EVENT_FORK) sees the range as
 * unregistered: it must read every page without hanging, each one either
 * complete (installed before the fork) or zero, never torn, and its faults
 * must never reach the parent's uffd (a page only the child touches must
 * not produce a message).  The parent's threads must all complete with
 * the right contents.  Repeated, with the child also writing.
 */
#include "race.h"

#define NP	64
#define NT	4
#define ROUNDS	10
#define CHILD_PAGE (NP - 1)	/* touched by the child only */

/* The held-message resolver, and no message for the child's page. */
static void resolve(struct r_handler *h, const struct uffd_msg *m)
{
	if (m)
		CHECK_MSG(r_hold_page(h->ctx, m) != CHILD_PAGE, "message for the "
			  "page only the child touches");
	r_hold_resolve(h, m);
}

static void child(struct r_hold *r, int writes)
{
	size_t nr;

	alarm(20);
	for (nr = 0; nr < NP; nr++) {
		char *p = r->base + nr * (size_t)t_page;
		int v = r_check(p, r->salt, nr);

		if (v == R_TORN)
			_exit(10);
		if (nr == CHILD_PAGE && v != R_ZERO)
			_exit(11);
		if (writes) {
			p[100] = 1;
			if (p[100] != 1)
				_exit(12);
		}
	}
	_exit(0);
}

int main(void)
{
	static size_t order[NT][NP - 1];
	unsigned long copies = 0;
	uint64_t seed = 3;
	int round;

	t_init(120);
	for (round = 0; round < ROUNDS; round++) {
		struct r_hold r;
		struct r_handler h;
		struct r_reader rd[NT];
		size_t nr;
		pid_t pid;
		int fd, t, st;

		memset(&r, 0, sizeof(r));
		r.base = t_map(NP);
		r.salt = (uint64_t)round + 100;
		r.np = NP;
		r.allowed = R_ERR(EEXIST);
		fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
		t_register(fd, r.base, NP, UFFDIO_REGISTER_MODE_MISSING);
		/* Some pages present before the fork. */
		for (nr = 0; nr < NP / 4; nr++)
			CHECK_OK(r_copy(&(struct r_handler){ .fd = fd }, r.base + nr * (size_t)t_page,
					r.salt, nr, 0));
		r_handler_start(&h, fd, resolve, &r);
		for (t = 0; t < NT; t++) {
			r_shuffle(order[t], NP - 1, &seed);
			r_reader_start(&rd[t], r.base, r.salt, order[t], NP - 1, NULL);
		}
		CHECK_MSG(r_wait_ge(&r.held, NT, 10000), "readers never all blocked");
		if (round & 1)
			__atomic_store_n(&r.release, 1, __ATOMIC_RELEASE);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			child(&r, round & 2);
		__atomic_store_n(&r.release, 1, __ATOMIC_RELEASE);
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "round %d: child status "
			  "%#x", round, st);
		for (t = 0; t < NT; t++)
			r_reader_join(&rd[t], 10000);
		r_handler_stop(&h);
		for (nr = 0; nr < NP - 1; nr++)
			CHECK_MSG(r_check(r.base + nr * (size_t)t_page, r.salt, nr) == R_FULL,
				  "round %d page %zu", round, nr);
		{
			struct uffd_msg m;

			CHECK_EQ(t_drain(fd, &m, 1), 0);
		}
		copies += h.copies;
		close(fd);
		CHECK_OK(munmap(r.base, NP * (size_t)t_page));
	}
	printf("%d forks with %d threads blocked, %lu copies\n", ROUNDS, NT, copies);
	return 0;
}
