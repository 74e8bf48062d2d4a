/*
 * UFFDIO_MOVE moves only private anonymous pages (spec 7.8): a populated
 * src in a MAP_SHARED|MAP_ANONYMOUS mapping fails with EINVAL and move ==
 * -22; the shared page keeps its data, dst stays missing.
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
	src = mmap(NULL, (size_t)t_page, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(src != MAP_FAILED);
	memset(src, 0x0d, (size_t)t_page);
	t_register(fd, dst, 1, UFFDIO_REGISTER_MODE_MISSING);

	mv = (struct uffdio_move){ (uintptr_t)dst, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, -EINVAL);
	CHECK_EQ(src[0], 0x0d);
	CHECK_OK(t_copy_byte(fd, dst, 0x0e, 0));
	CHECK_EQ(dst[0], 0x0e);
	close(fd);
	return 0;
}
