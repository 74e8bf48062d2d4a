/*
 * UFFDIO_WRITEPROTECT with an unreadable argument (spec 8, Appendix A):
 * a NULL pointer, an unmapped page and a struct straddling into an
 * unmapped page all fail with EFAULT and protect nothing.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect *wp;
	struct t_toucher t;
	struct uffd_msg m;
	char *p, *hole, *arg;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	p[0] = 1;
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_WP);
	hole = t_hole();

	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, NULL), EFAULT);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, hole), EFAULT);
	/* The struct's last 8 bytes (mode) lie in the hole. */
	arg = hole - 16;
	wp = (struct uffdio_writeprotect *)(void *)arg;
	wp->range.start = (uintptr_t)p;
	wp->range.len = (uint64_t)t_page;
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, arg), EFAULT);

	t_touch_start(&t, p, 1, 9);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[0], 9);
	close(fd);
	return 0;
}
