/*
 * UFFDIO_MOVE's dst must be registered with this very uffd (spec 7.8;
 * stricter than COPY): a dst in mapped but unregistered memory, and a dst
 * registered with another uffd, both fail with EINVAL and move == -22;
 * src keeps its data; the other uffd's dst page is still missing.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	char *plain, *other, *src;
	int fd, fd2;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	fd2 = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	plain = t_map(1);
	other = t_map(1);
	src = t_map(1);
	memset(src, 0x4b, (size_t)t_page);
	t_register(fd2, other, 1, UFFDIO_REGISTER_MODE_MISSING);

	mv = (struct uffdio_move){ (uintptr_t)plain, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, -EINVAL);
	mv = (struct uffdio_move){ (uintptr_t)other, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, -EINVAL);

	CHECK_EQ(src[0], 0x4b);
	CHECK_EQ(plain[0], 0);
	CHECK_OK(t_copy_byte(fd2, other, 0x4c, 0));
	CHECK_EQ(other[0], 0x4c);
	/* Through the owner it works. */
	mv = (struct uffdio_move){ (uintptr_t)other, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd2, UFFDIO_MOVE, &mv), EEXIST);
	CHECK_EQ(mv.move, -EEXIST);
	close(fd);
	close(fd2);
	return 0;
}
