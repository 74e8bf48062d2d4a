/*
 * UFFDIO_MOVE with an unmapped side (spec 7.8): a dst in an unmapped hole
 * and a src in an unmapped hole both fail with ENOENT and move == -2; the
 * registered dst stays missing and the src keeps its data.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	char *dst, *src, *hole;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(1);
	src = t_map(1);
	memset(src, 0x2e, (size_t)t_page);
	t_register(fd, dst, 1, UFFDIO_REGISTER_MODE_MISSING);
	hole = t_hole();

	mv = (struct uffdio_move){ (uintptr_t)hole, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), ENOENT);
	CHECK_EQ(mv.move, -ENOENT);
	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)hole, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), ENOENT);
	CHECK_EQ(mv.move, -ENOENT);
	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)hole, (uint64_t)t_page,
				   UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), ENOENT);
	CHECK_EQ(mv.move, -ENOENT);

	CHECK_EQ(src[0], 0x2e);
	CHECK_OK(t_copy_byte(fd, dst, 0x2f, 0));
	CHECK_EQ(dst[0], 0x2f);
	close(fd);
	return 0;
}
