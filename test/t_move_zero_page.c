/*
 * UFFDIO_MOVE of a src page that was only read (mapped to the shared zero
 * page, never written; spec 7.8): succeeds, 0/4096; dst reads zeros and
 * is populated (no MISSING fault; a later write proceeds without a
 * message); src is empty again (reads zero).
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	struct t_toucher t;
	struct uffd_msg m;
	volatile char *src;
	char *dst;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(1);
	src = t_map(1);
	CHECK_EQ(src[100], 0);		/* read fault: the zero page */
	t_register(fd, dst, 1, UFFDIO_REGISTER_MODE_MISSING);

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, t_page);

	t_touch_start(&t, dst + 7, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	t_touch_start(&t, dst + 8, 1, 0x12);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(dst[8], 0x12);
	CHECK_EQ(dst[9], 0);
	CHECK_EQ(src[100], 0);
	/* A second MOVE into dst: present now. */
	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EEXIST);
	CHECK_EQ(mv.move, -EEXIST);
	close(fd);
	return 0;
}
