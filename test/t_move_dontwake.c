/*
 * UFFDIO_MOVE_MODE_DONTWAKE (spec 7.2, 7.8): MOVE into the page a thread
 * is blocked on succeeds but leaves the thread blocked (no new message);
 * UFFDIO_WAKE then lets it complete, seeing the moved data.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	struct t_toucher t;
	struct uffd_msg m;
	char *dst, *src;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(1);
	src = t_map(1);
	memset(src, 0x03, (size_t)t_page);
	t_register(fd, dst, 1, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, dst + 1, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page,
				   UFFDIO_MOVE_MODE_DONTWAKE, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, t_page);
	t_msleep(100);	/* a wrongly woken thread would have finished by now */
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_OK(t_wake(fd, dst, (size_t)t_page));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x03);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
