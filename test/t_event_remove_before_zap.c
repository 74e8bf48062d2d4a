/*
 * REMOVE is delivered before the zap (spec 11.4): while the event is
 * unread the madvise(MADV_DONTNEED) caller stays blocked and the pages
 * keep their contents; after the event is read the pages are gone: each
 * faults again as MISSING (read 0x0, write 0x1) and reads zero after
 * UFFDIO_ZEROPAGE.
 */
#include "events_util.h"

static void do_dontneed(void *arg)
{
	char *p = arg;

	if (madvise(p, 4 * (size_t)t_page, MADV_DONTNEED))
		t_fail(__FILE__, __LINE__, "madvise: %s", t_errname(errno));
}

int main(void)
{
	struct ev_actor a = { .fn = do_dontneed };
	struct t_toucher t;
	struct uffd_msg m;
	char *p, s[96];
	int fd, i;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_REMOVE);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_REMOVE);
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	for (i = 0; i < 4; i++)
		CHECK_OK(t_copy_byte(fd, p + i * t_page, 0x50 + i, 0));

	a.arg = p;
	CHECK(!pthread_create(&a.thread, NULL, ev_actor_main, &a));
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	t_msleep(20);
	CHECK(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));
	/* Not zapped yet: no fault, old contents. */
	for (i = 0; i < 4; i++)
		CHECK_EQ(p[i * t_page + 100], 0x50 + i);
	CHECK(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));

	CHECK(t_read_msg(fd, &m, 0));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("event: %s\n", s);
	CHECK_STR(s, "REMOVE +0..+4");
	pthread_join(a.thread, NULL);

	/* Zapped: missing again. */
	t_touch_start(&t, p + 2 * t_page + 1, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("read page 2: %s\n", s);
	CHECK_STR(s, "PF +2 0");
	CHECK_OK(t_zeropage(fd, p + 2 * t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);

	t_touch_start(&t, p, 1, 0x5f);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("write page 0: %s\n", s);
	CHECK_STR(s, "PF +0 0x1");
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x5f);
	t_touch_join(&t);
	CHECK_EQ(p[1], 0);
	ev_none(fd, "end");
	close(fd);
	return 0;
}
