/*
 * Faults are read before events (spec 10.1): with a REMOVE event queued
 * first (its madvise() caller blocked) and a MISSING fault queued after
 * it, one read() of two messages returns the fault first, then the event.
 */
#include "events_util.h"

static void do_dontneed(void *arg)
{
	char *p = arg;

	if (madvise(p, (size_t)t_page, MADV_DONTNEED))
		t_fail(__FILE__, __LINE__, "madvise: %s", t_errname(errno));
}

int main(void)
{
	struct ev_actor a = { .fn = do_dontneed };
	struct t_toucher t;
	struct uffd_msg m[2];
	char *p, s0[96], s1[96];
	ssize_t n;
	int fd, i;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_REMOVE);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_REMOVE);
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, p, 0x57, 0));

	a.arg = p;
	CHECK(!pthread_create(&a.thread, NULL, ev_actor_main, &a));
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);	/* the event is queued */

	t_touch_start(&t, p + 2 * t_page, 0, 0);
	/* Let the fault reach its wait (bounded; never a timing assertion). */
	for (i = 0; i < 5000 && t_thread_state(t.tid) != 'S'; i++)
		t_msleep(1);
	t_msleep(50);

	n = read(fd, m, sizeof(m));
	CHECK_EQ(n, (ssize_t)sizeof(m));
	ev_format(s0, sizeof(s0), (uintptr_t)p, &m[0]);
	ev_format(s1, sizeof(s1), (uintptr_t)p, &m[1]);
	printf("read: %s; %s\n", s0, s1);
	CHECK_STR(s0, "PF +2 0");
	CHECK_STR(s1, "REMOVE +0..+1");

	pthread_join(a.thread, NULL);
	CHECK_OK(t_zeropage(fd, p + 2 * t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	ev_none(fd, "end");
	close(fd);
	return 0;
}
