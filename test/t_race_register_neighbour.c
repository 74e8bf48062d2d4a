/*
 * UFFDIO_REGISTER of neighbouring ranges while faults are in flight.
 * One anonymous mapping [A | B | C]: B is registered (MISSING) with uffd 1
 * and three threads read all of it in random orders, their faults resolved
 * by COPY.  Meanwhile the main thread registers and unregisters A and C
 * over and over - with uffd 1 (the kernel merges the VMAs with B's) or
 * uffd 2, in MISSING or MISSING|WP mode, whole or in part, and sometimes
 * with a range reaching into B (a same-mode re-registration, which must
 * change nothing there) - while a writer thread stores values into A and
 * C pages and reads them back, and now and then drops one (MADV_DONTNEED)
 * so that its next access is a missing fault; those faults on a registered
 * neighbour are resolved by ZEROPAGE, and at least one must happen.  No
 * fault may be lost or go to the wrong uffd, B must end fully copied and
 * never seen zero or torn, and no value written to A or C may be lost by a
 * registration.
 */
#include "race.h"

#define NP	128
#define NT	3
#define SALT	77

static char *area, *A, *B, *C;
static uint64_t shadow[2 * NP];
static volatile int stop_writer;
static unsigned long writes, drops, zeropages;

static char *nb_page(size_t i)
{
	return i < NP ? A + i * (size_t)t_page : C + (i - NP) * (size_t)t_page;
}

static void resolve(struct r_handler *h, const struct uffd_msg *m)
{
	uintptr_t a;
	size_t nr;

	if (!m)
		return;
	a = (uintptr_t)m->arg.pagefault.address;
	if (a >= (uintptr_t)B && a < (uintptr_t)C) {
		nr = (a - (uintptr_t)B) / (size_t)t_page;
		CHECK_MSG(h->ctx == (void *)1, "fault on B (page %zu) reached uffd 2", nr);
		r_copy(h, (void *)a, SALT, nr, R_ERR(EEXIST));
		return;
	}
	CHECK_MSG(a >= (uintptr_t)A && a < (uintptr_t)C + NP * (size_t)t_page,
		  "fault outside the mapping: %#lx", (unsigned long)a);
	/*
	 * A neighbour page: zero fill.  ENOENT if unregistered meanwhile, and
	 * then the faulting thread may still sleep on this uffd: the kernel's
	 * UNREGISTER wakes the range before it clears the VMA, so a thread
	 * woken early can fault again, on this uffd, before the registration
	 * is gone (the VMA is not yet write-locked).  Nothing else will wake
	 * it: WAKE, as after EEXIST.
	 */
	if (t_zeropage(h->fd, (void *)a, 1, 0) == 0) {
		__atomic_add_fetch(&zeropages, 1, __ATOMIC_RELAXED);
		return;
	}
	CHECK_MSG(errno == EEXIST || errno == ENOENT, "ZEROPAGE: %s", t_errname(errno));
	if (t_wake(h->fd, (void *)a, (size_t)t_page))
		CHECK_MSG(errno == ENOENT, "WAKE: %s", t_errname(errno));
}

static void *writer_main(void *arg)
{
	uint64_t seed = 0x5eed, v = 0;

	(void)arg;
	while (!__atomic_load_n(&stop_writer, __ATOMIC_ACQUIRE)) {
		size_t i;
		volatile uint64_t *w;

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		i = (size_t)(seed % (2 * NP));
		w = (volatile uint64_t *)nb_page(i);
		if ((seed >> 32) % 8 == 0) {
			/*
			 * Drop the page: its next access is a missing fault,
			 * on whichever uffd has it registered by then.
			 */
			CHECK_OK(madvise((void *)w, (size_t)t_page, MADV_DONTNEED));
			shadow[i] = 0;
			drops++;
		}
		CHECK_MSG(w[1] == shadow[i], "neighbour page %zu lost its value "
			  "(%#llx, expected %#llx)", i, (unsigned long long)w[1],
			  (unsigned long long)shadow[i]);
		w[1] = ++v;
		shadow[i] = v;
		CHECK_EQ(w[1], v);
		writes++;
	}
	return NULL;
}

static void reg(int fd, char *p, size_t npages, uint64_t mode)
{
	struct uffdio_register r = {
		.range = { (uintptr_t)p, npages * (size_t)t_page }, .mode = mode,
	};

	if (uffd_ioctl(fd, UFFDIO_REGISTER, &r))
		t_fail(__FILE__, __LINE__, "REGISTER %p+%zu: %s", (void *)p, npages,
		       t_errname(errno));
}

int main(void)
{
	static size_t order[NT][NP];
	static int seen[NT][NP];
	struct r_handler h1, h2;
	struct r_reader rd[NT];
	uint64_t seed = 99, wp = 0;
	pthread_t writer;
	unsigned long iter;
	bool done = false;
	size_t nr, i;
	int fd1, fd2, t;

	t_init(120);
	fd1 = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	fd2 = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	if (t_features() & UFFD_FEATURE_PAGEFAULT_FLAG_WP)
		wp = UFFDIO_REGISTER_MODE_WP;
	area = t_map(3 * NP);
	A = area;
	B = area + NP * (size_t)t_page;
	C = area + 2 * NP * (size_t)t_page;
	/* Some neighbour pages populated before anything is registered. */
	for (i = 0; i < 2 * NP; i += 3) {
		((uint64_t *)nb_page(i))[1] = 1000000 + i;
		shadow[i] = 1000000 + i;
	}
	reg(fd1, B, NP, UFFDIO_REGISTER_MODE_MISSING);
	r_handler_start(&h1, fd1, resolve, (void *)1);
	r_handler_start(&h2, fd2, resolve, (void *)2);
	CHECK_OK(-pthread_create(&writer, NULL, writer_main, NULL));
	for (t = 0; t < NT; t++) {
		r_shuffle(order[t], NP, &seed);
		r_reader_start(&rd[t], B, SALT, order[t], NP, seen[t]);
	}

	/* Until the readers are done and the writer has faulted at least once. */
	for (iter = 0; iter < 200000 && !(done && iter >= 64 &&
					  __atomic_load_n(&zeropages, __ATOMIC_RELAXED));
	     iter++) {
		int fd = (iter & 1) ? fd2 : fd1;
		uint64_t mode = UFFDIO_REGISTER_MODE_MISSING | ((iter & 2) ? wp : 0);
		char *x = (iter & 4) ? A : C;
		size_t n = (iter & 8) ? NP : NP / 2;
		char *start = x == A ? A + (NP - n) * (size_t)t_page : C;

		if ((iter % 16) == 5) {
			/* Reaching into B with B's own uffd and mode. */
			reg(fd1, B - 2 * (size_t)t_page, 4, UFFDIO_REGISTER_MODE_MISSING);
			t_unregister(fd1, B - 2 * (size_t)t_page, 2);
		} else {
			reg(fd, start, n, mode);
			t_unregister(fd, start, n);
		}
		for (done = true, t = 0; t < NT; t++)
			done &= __atomic_load_n(&rd[t].done, __ATOMIC_ACQUIRE) != 0;
	}
	for (t = 0; t < NT; t++)
		r_reader_join(&rd[t], 10000);
	__atomic_store_n(&stop_writer, 1, __ATOMIC_RELEASE);
	CHECK_OK(-pthread_join(writer, NULL));
	r_handler_stop(&h1);
	r_handler_stop(&h2);

	for (nr = 0; nr < NP; nr++) {
		CHECK_MSG(r_check(B + nr * (size_t)t_page, SALT, nr) == R_FULL,
			  "B page %zu not the copied pattern", nr);
		for (t = 0; t < NT; t++)
			CHECK_MSG(seen[t][nr] == R_FULL, "reader %d saw B page %zu as %s",
				  t, nr, seen[t][nr] == R_ZERO ? "zero" : "torn");
	}
	for (i = 0; i < 2 * NP; i++) {
		uint64_t *w = (uint64_t *)nb_page(i);
		size_t k;

		CHECK_EQ(w[1], shadow[i]);
		for (k = 0; k < (size_t)t_page / 8; k++)
			CHECK_MSG(k == 1 || w[k] == 0, "neighbour page %zu word %zu", i, k);
	}
	printf("%lu registrations, %lu B faults resolved (%lu EEXIST), %lu neighbour "
	       "writes, %lu dropped, %lu neighbour zeropages\n", iter, h1.copies,
	       h1.eexist, writes, drops, zeropages);
	CHECK_EQ(h1.copies, NP);
	CHECK_MSG(zeropages > 0, "the writer never faulted on a registered neighbour");
	close(fd1);
	close(fd2);
	return 0;
}
