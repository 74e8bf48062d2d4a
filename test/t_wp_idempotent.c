/*
 * UFFDIO_WRITEPROTECT is idempotent (spec 8): protecting twice succeeds
 * and one un-protect removes it (the next write proceeds without a
 * message); un-protecting twice, or un-protecting a page that was never
 * protected, succeeds as well; protecting again after that protects.
 */
#include "harness.h"

static int fd;
static char *p;

static int wp(uint64_t mode)
{
	struct uffdio_writeprotect w = { { (uintptr_t)p, (uint64_t)t_page }, mode };

	return uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &w);
}

static void write_free(char v)
{
	struct t_toucher t;
	struct uffd_msg m;

	t_touch_start(&t, p, 1, v);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[0], v);
}

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	p[0] = 1;
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_WP);

	CHECK_OK(wp(0));			/* never protected */
	CHECK_OK(wp(UFFDIO_WRITEPROTECT_MODE_DONTWAKE));
	write_free(2);

	CHECK_OK(wp(UFFDIO_WRITEPROTECT_MODE_WP));
	CHECK_OK(wp(UFFDIO_WRITEPROTECT_MODE_WP));
	CHECK_OK(wp(0));
	write_free(3);
	CHECK_OK(wp(0));
	write_free(4);

	CHECK_OK(wp(UFFDIO_WRITEPROTECT_MODE_WP));
	CHECK_OK(wp(UFFDIO_WRITEPROTECT_MODE_WP));
	t_touch_start(&t, p, 1, 5);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_OK(wp(0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[0], 5);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
