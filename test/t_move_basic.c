/*
 * UFFDIO_MOVE basics (spec 7.8): a thread blocked on a missing dst page;
 * MOVE of 2 populated pages of an unregistered src into the registered
 * dst returns 0 with move == 8192 and wakes the thread, which sees the
 * moved data; dst holds src's former contents; src is now empty (reads as
 * zero, no message); the moved dst pages are ordinary (a write works,
 * no message), and a second MOVE into them is EEXIST.
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
	dst = t_map(2);
	src = t_map(2);
	memset(src, 0x77, (size_t)t_page);
	memset(src + t_page, 0x78, (size_t)t_page);
	t_register(fd, dst, 2, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, dst + t_page + 5, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)dst + (uintptr_t)t_page);

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, 2 * (uint64_t)t_page,
				   0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, 2 * t_page);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x78);
	t_touch_join(&t);

	CHECK_EQ(dst[0], 0x77);
	CHECK_EQ(dst[t_page - 1], 0x77);
	CHECK_EQ(dst[t_page], 0x78);
	CHECK_EQ(dst[2 * t_page - 1], 0x78);
	CHECK_EQ(src[0], 0);
	CHECK_EQ(src[t_page + 9], 0);
	dst[1] = 0x79;
	CHECK_EQ(dst[1], 0x79);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	memset(src, 0x7a, (size_t)t_page);
	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EEXIST);
	CHECK_EQ(mv.move, -EEXIST);
	close(fd);
	return 0;
}
