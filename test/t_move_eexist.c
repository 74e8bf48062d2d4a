/*
 * UFFDIO_MOVE onto a present dst page (spec 7.8): EEXIST with move ==
 * -17; neither side changes (dst keeps its data, src keeps its data).
 * Two pages whose 1st dst is present: EEXIST too, nothing moved.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	char *dst, *src;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(2);
	src = t_map(2);
	memset(src, 0x5c, 2 * (size_t)t_page);
	t_register(fd, dst, 2, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, dst, 0x5d, 0));

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EEXIST);
	CHECK_EQ(mv.move, -EEXIST);
	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, 2 * (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EEXIST);
	CHECK_EQ(mv.move, -EEXIST);

	CHECK_EQ(dst[0], 0x5d);
	CHECK_EQ(src[0], 0x5c);
	CHECK_EQ(src[t_page], 0x5c);
	/* dst page 1 is still missing. */
	CHECK_OK(t_copy_byte(fd, dst + t_page, 0x5e, 0));
	CHECK_EQ(dst[t_page], 0x5e);
	close(fd);
	return 0;
}
