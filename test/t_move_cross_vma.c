/*
 * UFFDIO_MOVE whose dst range crosses the end of the dst VMA (spec 7.8;
 * COPY gives ENOENT here, MOVE gives EINVAL): 2 pages starting at the
 * last registered page, followed by an unregistered page or by a page
 * registered with other modes (a separate VMA), fail with EINVAL and
 * move == -22; nothing is moved.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	char *p, *src;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	src = t_map(2);
	memset(src, 0x3a, 2 * (size_t)t_page);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	t_register(fd, p + 3 * t_page, 1, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);

	/* Page 1 (registered) + page 2 (not). */
	mv = (struct uffdio_move){ (uintptr_t)p + t_page, (uintptr_t)src, 2 * (uint64_t)t_page,
				   0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, -EINVAL);

	/* Page 2 must not matter: register it with other modes than 1 and 3. */
	t_register(fd, p + 2 * t_page, 1, UFFDIO_REGISTER_MODE_WP);
	mv = (struct uffdio_move){ (uintptr_t)p + t_page, (uintptr_t)src, 2 * (uint64_t)t_page,
				   0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, -EINVAL);
	mv = (struct uffdio_move){ (uintptr_t)p + 2 * t_page, (uintptr_t)src, 2 * (uint64_t)t_page,
				   0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, -EINVAL);

	CHECK_EQ(src[0], 0x3a);
	CHECK_EQ(src[t_page], 0x3a);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x3b, 0));
	CHECK_OK(t_copy_byte(fd, p + 3 * t_page, 0x3c, 0));
	close(fd);
	return 0;
}
