/*
 * While a REMOVE event is queued and unread, the madvise() caller is
 * blocked and the context's mmap_changing is raised (spec 11.1, 7.1):
 * UFFDIO_COPY and UFFDIO_ZEROPAGE fail with EAGAIN and write -EAGAIN to
 * their result field, UFFDIO_WRITEPROTECT fails with EAGAIN; REGISTER,
 * UNREGISTER and WAKE are unaffected.  Once the event is read the
 * madvise() returns and COPY works again.
 */
#include "events_util.h"

static void do_dontneed(void *arg)
{
	char *p = arg;

	if (madvise(p, 2 * (size_t)t_page, MADV_DONTNEED))
		t_fail(__FILE__, __LINE__, "madvise: %s", t_errname(errno));
}

int main(void)
{
	struct ev_actor a = { .fn = do_dontneed };
	struct uffdio_writeprotect wp;
	struct uffdio_zeropage z;
	struct uffdio_copy c;
	struct uffd_msg m;
	char *p, *q, *src, s[96];
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_REMOVE | UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_REMOVE);
	p = t_map(4);
	q = t_map(1);
	src = t_map(1);
	memset(src, 0x44, (size_t)t_page);
	memset(p, 0x43, 2 * (size_t)t_page);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);

	a.arg = p;
	CHECK(!pthread_create(&a.thread, NULL, ev_actor_main, &a));
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	t_msleep(20);
	CHECK(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));

	c = (struct uffdio_copy){ (uintptr_t)p + 3 * (uintptr_t)t_page, (uintptr_t)src,
				  (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EAGAIN);
	CHECK_EQ(c.copy, -EAGAIN);
	z = (struct uffdio_zeropage){ { (uintptr_t)p + 3 * (uintptr_t)t_page,
					(uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EAGAIN);
	CHECK_EQ(z.zeropage, -EAGAIN);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp), EAGAIN);
	/* Not affected. */
	CHECK_HEX(t_register(fd, q, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_unregister(fd, q, 1);
	CHECK_OK(t_wake(fd, p, 4 * (size_t)t_page));
	CHECK(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));
	/* Nothing was installed meanwhile. */
	CHECK(t_poll(fd, POLLIN, 0) & POLLIN);

	CHECK(t_read_msg(fd, &m, 0));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("event: %s\n", s);
	CHECK_STR(s, "REMOVE +0..+2");
	pthread_join(a.thread, NULL);
	CHECK_EQ(a.done, 1);

	c.copy = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	CHECK_EQ(p[3 * t_page + 5], 0x44);
	ev_none(fd, "after the event");
	close(fd);
	return 0;
}
