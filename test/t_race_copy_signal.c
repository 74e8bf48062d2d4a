/*
 * A handler thread calling UFFDIO_COPY while the faulting threads receive
 * unrelated signals (spec 9.4: the EINTR paths).  Three threads read every
 * page of a registered range in random orders while a fourth thread keeps
 * sending them SIGUSR1 (rounds alternate SA_RESTART and not, SA_NODEFER and
 * not).  The handler holds each message until at least one more signal has
 * been delivered, so signals reliably land on threads blocked in a fault:
 * the wait is abandoned, the access re-executed and a new message queued
 * (a duplicate, answered EEXIST + WAKE once the first COPY is in).  Every
 * fourth signal handler itself reads a page of a second registered range:
 * a fault nested in a signal handler that interrupted a fault wait.
 * Every thread must finish and every page must be complete.
 *
 * One such fault per thread at a time: with SA_NODEFER a signal can land
 * on a handler blocked in its own fault, whose handler faults again, and
 * so on -- on either engine the stack grows by a signal frame or two per
 * level for as long as signals outrun the handler thread (on a loaded
 * machine, under ASan, that ran an 8 MiB stack out).  One level is what
 * this test is about.
 */
#include "race.h"

#define NP	96
#define NT	3
#define NSIG_PAGES 512
#define SALT	0x51
#define SIG_SALT 0x52

static char *area, *sig_area;
static unsigned long signals, nested;
static unsigned long sig_next;
static volatile int stop_signaller;
static pthread_t victims[NT];

static __thread volatile int in_handler_fault;

static void on_usr1(int sig)
{
	unsigned long n = __atomic_add_fetch(&signals, 1, __ATOMIC_RELAXED);
	int saved = errno;

	(void)sig;
	if (n % 4 == 0 && !in_handler_fault) {
		unsigned long i = __atomic_fetch_add(&sig_next, 1, __ATOMIC_RELAXED);

		if (i < NSIG_PAGES) {
			in_handler_fault = 1;
			if (r_check(sig_area + i * (size_t)t_page, SIG_SALT, i) != R_FULL)
				t_fail(__FILE__, __LINE__, "signal-handler page %lu", i);
			in_handler_fault = 0;
			__atomic_add_fetch(&nested, 1, __ATOMIC_RELAXED);
		}
	}
	errno = saved;
}

static void resolve(struct r_handler *h, const struct uffd_msg *m)
{
	uintptr_t a;
	unsigned long s0;
	int i;

	if (!m)
		return;
	a = (uintptr_t)m->arg.pagefault.address;
	if (a >= (uintptr_t)sig_area && a < (uintptr_t)sig_area + NSIG_PAGES * (size_t)t_page) {
		size_t nr = (a - (uintptr_t)sig_area) / (size_t)t_page;

		r_copy(h, (void *)a, SIG_SALT, nr, R_ERR(EEXIST));
		return;
	}
	CHECK(a >= (uintptr_t)area && a < (uintptr_t)area + NP * (size_t)t_page);
	/* Let a signal land on the blocked thread first (bounded). */
	s0 = __atomic_load_n(&signals, __ATOMIC_RELAXED);
	for (i = 0; i < 200 && __atomic_load_n(&signals, __ATOMIC_RELAXED) == s0; i++)
		sched_yield();
	r_copy(h, (void *)a, SALT, (a - (uintptr_t)area) / (size_t)t_page, R_ERR(EEXIST));
}

static void *signaller_main(void *arg)
{
	unsigned long k = 0;

	(void)arg;
	while (!__atomic_load_n(&stop_signaller, __ATOMIC_ACQUIRE)) {
		pthread_kill(victims[k++ % NT], SIGUSR1);
		if (k % 8 == 0)
			t_msleep(1);
		else
			sched_yield();
	}
	return NULL;
}

int main(void)
{
	static size_t order[NT][NP];
	static int seen[NT][NP];
	unsigned long msgs = 0, eexist = 0, copies = 0;
	uint64_t seed = 7;
	int round, fd;

	t_init(120);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	sig_area = t_map(NSIG_PAGES);
	t_register(fd, sig_area, NSIG_PAGES, UFFDIO_REGISTER_MODE_MISSING);

	for (round = 0; round < 8; round++) {
		struct sigaction sa;
		struct r_handler h;
		struct r_reader rd[NT];
		pthread_t sigt;
		size_t nr;
		int t;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr1;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = (round & 1 ? SA_RESTART : 0) | (round & 2 ? SA_NODEFER : 0);
		CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

		area = t_map(NP);
		t_register(fd, area, NP, UFFDIO_REGISTER_MODE_MISSING);
		r_handler_start(&h, fd, resolve, NULL);
		for (t = 0; t < NT; t++) {
			r_shuffle(order[t], NP, &seed);
			r_reader_start(&rd[t], area, SALT, order[t], NP, seen[t]);
			victims[t] = rd[t].thread;
		}
		__atomic_store_n(&stop_signaller, 0, __ATOMIC_RELEASE);
		CHECK_OK(-pthread_create(&sigt, NULL, signaller_main, NULL));
		for (t = 0; t < NT; t++)
			r_reader_join(&rd[t], 30000);
		__atomic_store_n(&stop_signaller, 1, __ATOMIC_RELEASE);
		CHECK_OK(-pthread_join(sigt, NULL));
		r_handler_stop(&h);

		for (nr = 0; nr < NP; nr++) {
			CHECK_MSG(r_check(area + nr * (size_t)t_page, SALT, nr) == R_FULL,
				  "round %d page %zu", round, nr);
			for (t = 0; t < NT; t++)
				CHECK_EQ(seen[t][nr], R_FULL);
		}
		{
			struct uffd_msg m;

			CHECK_EQ(t_drain(fd, &m, 1), 0);
		}
		msgs += h.msgs;
		eexist += h.eexist;
		copies += h.copies;
		t_unregister(fd, area, NP);
		CHECK_OK(munmap(area, NP * (size_t)t_page));
	}
	printf("%lu signals (%lu handlers faulted), %lu messages, %lu copies, "
	       "%lu EEXIST\n", signals, nested, msgs, copies, eexist);
	CHECK(signals > 0);
	CHECK(msgs >= copies);
	close(fd);
	return 0;
}
