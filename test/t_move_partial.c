/*
 * UFFDIO_MOVE of 2 pages whose 2nd src page is a hole (spec 7.1, 7.8):
 * partial, -1/EAGAIN with move == 4096; dst page 0 has the data, src page
 * 0 is now empty, dst page 1 is still missing (COPY into it succeeds).
 * The same with ALLOW_SRC_HOLES over 2 fresh pages: 0/8192.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	char *dst, *src;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(4);
	src = t_map(4);
	memset(src, 0x6a, (size_t)t_page);
	memset(src + 2 * t_page, 0x6b, (size_t)t_page);
	t_register(fd, dst, 4, UFFDIO_REGISTER_MODE_MISSING);

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, 2 * (uint64_t)t_page,
				   0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EAGAIN);
	CHECK_EQ(mv.move, t_page);
	CHECK_EQ(dst[0], 0x6a);
	CHECK_EQ(src[0], 0);
	CHECK_OK(t_copy_byte(fd, dst + t_page, 0x6c, 0));
	CHECK_EQ(dst[t_page], 0x6c);

	mv = (struct uffdio_move){ (uintptr_t)dst + 2 * t_page, (uintptr_t)src + 2 * t_page,
				   2 * (uint64_t)t_page, UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, 2 * t_page);
	CHECK_EQ(dst[2 * t_page], 0x6b);
	CHECK_OK(t_copy_byte(fd, dst + 3 * t_page, 0x6d, 0));
	CHECK_EQ(dst[3 * t_page], 0x6d);
	close(fd);
	return 0;
}
