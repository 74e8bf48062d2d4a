/* SPDX-License-Identifier: MIT */
/*
 * Every failure of the store ends in the configured outcome within
 * timeout_ms -- on the prefetch path (nobody touches the page: the
 * prefetcher alone meets the failure) as on the demand path -- and never
 * in a wait for ever.  A fault-injection store (test/pager_faulty.h):
 *
 *   corrupt	page 300 fails with EBADMSG: prefetch installs every other
 *		page and gives 300 up; uffd_pager_wait says EIO and names
 *		it; a fault on it: SIGBUS (SIGBUS and WAIT), zeros (ZERO)
 *   error	page 300 fails with EIO (transient) for ever: after
 *		timeout_ms the store is dead: EIO; a fault on a good page
 *		still gets its contents (the store revives)
 *   stall	page 300 stalls 100 ms and times out (a hung server): EIO
 *   gone	the store dies after 3 reads: EIO; a later fault gets
 *		SIGBUS (default) or zeros (ZERO)
 *   short	a raw memory file truncated under the restore (a short
 *		read, "unexpected end of file"): EIO; the pages before the
 *		cut are right
 *   wait	WAIT and a store that is down: waiting goes on (ETIMEDOUT
 *		from a bounded wait), then the store comes back and the
 *		restore completes, every page right
 *
 * Waits are bounded (20 s) only to turn a hang into a failure.
 */
#include "pager_faulty.h"

#define NPAGES 2048
#define BAD 300
#define ZERO_EVERY 5
#define BOUND 20000

static const char *img;

/* What goes wrong, and how the pager is told to take it. */
struct fault {
	enum uffd_pager_on_error how;
	int err;		/* at page BAD; 0: none */
	unsigned stall_ms;
	long reads_left;	/* reads before the store dies; -1: never */
	size_t touch;		/* sigbus_child: the page it touches */
};

/* A pager on a faulty store, failing from the first read on. */
static struct uffd_pager *start(const struct fault *x, struct tf_store **f,
				char **m)
{
	struct uffd_store *s = tf_open(img, f);
	struct uffd_pager *p;

	if (x->err) {
		(*f)->bad = BAD;
		(*f)->err = x->err;
		(*f)->stall_ms = x->stall_ms;
	}
	atomic_store(&(*f)->reads_left, x->reads_left);
	p = tp_pager(s, &(struct uffd_pager_config){ .on_error = x->how,
						     .timeout_ms = 300 });
	*m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK_MSG(*m, "uffd_pager_map: %s", uffd_pager_diagnostic());
	return p;
}

/* The outcome of a prefetch-path failure: EIO, in words. */
static void expect_eio(struct uffd_pager *p, const char *what)
{
	CHECK_ERR(uffd_pager_wait(p, BOUND), EIO);
	CHECK_MSG(uffd_pager_error(p) && strstr(uffd_pager_error(p), what),
		  "error: %s (expected \"%s\")",
		  uffd_pager_error(p) ? uffd_pager_error(p) : "none", what);
}

/* Wait (bounded) until @n pages are present. */
static void await_present(struct uffd_pager *p, uint64_t n)
{
	struct uffd_pager_stats st;
	int i;

	for (i = 0; i < BOUND / 10; i++) {
		CHECK_OK(uffd_pager_stats(p, -1, &st));
		if (st.present >= n)
			return;
		t_msleep(10);
	}
	t_fail(__FILE__, __LINE__, "%llu of %llu pages present",
	       (unsigned long long)st.present, (unsigned long long)n);
}

/* In a child: the failure, then a touch of page x->touch: SIGBUS. */
static void sigbus_child(void *arg)
{
	const struct fault *x = arg;
	struct tf_store *f;
	struct uffd_pager *p;
	char *m;

	tp_no_core();
	p = start(x, &f, &m);
	(void)uffd_pager_wait(p, BOUND);
	tp_touch(m + x->touch * (size_t)t_page, 1, NULL);
	_exit(3);
}

static void expect_sigbus(struct fault x, const char *what)
{
	int st = t_fork_run(sigbus_child, &x);

	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
		  "%s: status %#x, expected death by SIGBUS", what, st);
}

static void corrupt(enum uffd_pager_on_error how)
{
	struct uffd_pager_stats st;
	struct tf_store *f;
	struct fault x = { how, EBADMSG, 0, -1, BAD };
	struct uffd_pager *p;
	char *m;
	size_t i;

	p = start(&x, &f, &m);
	expect_eio(p, "page 300: injected EBADMSG");
	/* Every other page still arrives. */
	await_present(p, how == UFFD_ON_ERROR_ZERO ? NPAGES : NPAGES - 1);
	CHECK_OK(uffd_pager_stats(p, -1, &st));
	CHECK_EQ(st.lost_pages, 1);
	CHECK_EQ(st.demand_pages, 0);
	for (i = 0; i < NPAGES; i++)
		if (i != BAD)
			CHECK_MSG(tp_page_bad(m + i * (size_t)t_page, i,
					      ZERO_EVERY) < 0, "page %zu wrong", i);
	if (how == UFFD_ON_ERROR_ZERO)
		CHECK(tp_page_bad(m + BAD * (size_t)t_page, BAD, 1) < 0);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
	if (how != UFFD_ON_ERROR_ZERO)
		expect_sigbus(x, "corrupt page");
}

static void transient(int err, unsigned stall_ms, const char *what)
{
	struct fault x = { UFFD_ON_ERROR_SIGBUS, err, stall_ms, -1, 0 };
	struct tf_store *f;
	struct uffd_pager *p;
	char *m;

	p = start(&x, &f, &m);
	expect_eio(p, what);
	/* A good page: one try, it works, the store revives. */
	tp_verify(m + (BAD + 200) * (size_t)t_page, 1, BAD + 200, ZERO_EVERY);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
}

static void gone(void)
{
	struct fault x = { UFFD_ON_ERROR_ZERO, 0, 0, 3, NPAGES - 1 };
	struct tf_store *f;
	struct uffd_pager *p;
	char *m;

	p = start(&x, &f, &m);
	expect_eio(p, "injected disconnect");
	/* The last page was never fetched: a fault on it gets zeros. */
	CHECK(tp_page_bad(m + (NPAGES - 1) * (size_t)t_page, NPAGES - 1, 1) < 0);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
	x.how = UFFD_ON_ERROR_SIGBUS;
	expect_sigbus(x, "store gone");
}

static void short_read(void)
{
	const char *raw = tp_path("mem.raw");
	struct uffd_pager *p;
	char *m;

	tp_make_raw(raw, NPAGES, ZERO_EVERY);
	p = tp_pager(uffd_store_raw_open(raw, 0), &(struct uffd_pager_config){
		.timeout_ms = 300 });
	CHECK_OK(truncate(raw, NPAGES / 2 * (off_t)t_page));
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK(m);
	tp_verify(m, 64, 0, ZERO_EVERY);
	expect_eio(p, "unexpected end of file");
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
}

static void wait_policy(void)
{
	struct fault x = { UFFD_ON_ERROR_WAIT, 0, 0, 0, 0 };
	struct tf_store *f;
	struct uffd_pager *p;
	char *m;

	p = start(&x, &f, &m);	/* down from the start */
	/* Down for longer than timeout_ms: still waiting, not given up. */
	CHECK_ERR(uffd_pager_wait(p, 800), ETIMEDOUT);
	CHECK(atomic_load(&f->failures) > 0);
	atomic_store(&f->down, false);
	CHECK_MSG(uffd_pager_wait(p, BOUND) == 0, "wait: %s", uffd_pager_diagnostic());
	tp_verify(m, NPAGES, 0, ZERO_EVERY);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
}

int main(void)
{
	t_init(240);
	tp_require_engine();
	img = tp_path("image");
	tp_make_image(img, NPAGES, ZERO_EVERY);

	corrupt(UFFD_ON_ERROR_SIGBUS);
	corrupt(UFFD_ON_ERROR_ZERO);
	corrupt(UFFD_ON_ERROR_WAIT);
	transient(EIO, 0, "page 300: injected EIO");
	transient(ETIMEDOUT, 100, "page 300: injected ETIMEDOUT");
	gone();
	short_read();
	wait_policy();
	printf("every store failure ended in its outcome\n");
	return 0;
}
