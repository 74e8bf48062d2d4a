/*
 * UFFDIO_MOVE requires src and dst VMAs with the same protection (spec
 * 7.8): a populated PROT_READ src into a read-write dst fails with EINVAL
 * and move == -22; src keeps its data, dst stays missing.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	char *dst, *src;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	dst = t_map(1);
	src = t_map(1);
	memset(src, 0x1d, (size_t)t_page);
	CHECK_OK(mprotect(src, (size_t)t_page, PROT_READ));
	t_register(fd, dst, 1, UFFDIO_REGISTER_MODE_MISSING);

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, -EINVAL);
	CHECK_EQ(src[0], 0x1d);
	CHECK_OK(t_copy_byte(fd, dst, 0x1e, 0));
	CHECK_EQ(dst[0], 0x1e);
	close(fd);
	return 0;
}
