/*
 * UFFDIO_MOVE from a never-populated src page (spec 7.8): ENOENT with
 * move == -2 and dst stays missing; with MOVE_MODE_ALLOW_SRC_HOLES the same
 * call succeeds (0, move == 4096: the hole counts as moved) and dst still
 * stays missing - a read of it is a MISSING fault, resolved by COPY.
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
	t_register(fd, dst, 1, UFFDIO_REGISTER_MODE_MISSING);

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), ENOENT);
	CHECK_EQ(mv.move, -ENOENT);

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page,
				   UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, t_page);

	t_touch_start(&t, dst + 3, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)dst);
	CHECK_OK(t_copy_byte(fd, dst, 0x2b, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x2b);
	t_touch_join(&t);
	CHECK_EQ(src[0], 0);
	close(fd);
	return 0;
}
