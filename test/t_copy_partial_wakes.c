/*
 * A partial UFFDIO_COPY still wakes (spec 7.1, 7.2): COPY of pages 1..3
 * where page 3 is present returns EAGAIN with copy == 2 pages and wakes
 * the waiters in [dst, dst + 2 pages) - the threads blocked on pages 1 and
 * 2 complete with the new data - but not a waiter on page 0.
 */
#include "harness.h"

int main(void)
{
	struct t_toucher t0, t1, t2;
	struct uffdio_copy c;
	struct uffd_msg m;
	char *p, *src;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	src = t_map(3);
	memset(src, 0x91, 3 * (size_t)t_page);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, p + 3 * t_page, 0x33, 0));

	t_touch_start(&t0, p, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	t_touch_start(&t1, p + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	t_touch_start(&t2, p + 2 * t_page + 1, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));

	c = (struct uffdio_copy){ .dst = (uintptr_t)p + (uintptr_t)t_page,
				  .src = (uintptr_t)src, .len = 3 * (uint64_t)t_page,
				  .copy = 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EAGAIN);
	CHECK_EQ(c.copy, 2 * t_page);
	CHECK(t_touch_wait(&t1, 5000));
	CHECK(t_touch_wait(&t2, 5000));
	CHECK_EQ((unsigned char)t1.seen, 0x91);
	CHECK_EQ((unsigned char)t2.seen, 0x91);
	t_touch_join(&t1);
	t_touch_join(&t2);
	t_msleep(100);
	CHECK(!__atomic_load_n(&t0.done, __ATOMIC_ACQUIRE));
	CHECK_EQ(p[3 * t_page], 0x33);

	CHECK_OK(t_copy_byte(fd, p, 0x10, 0));
	CHECK(t_touch_wait(&t0, 5000));
	CHECK_EQ(t0.seen, 0x10);
	t_touch_join(&t0);
	close(fd);
	return 0;
}
