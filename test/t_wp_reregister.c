/*
 * Re-registration and existing write protection (spec 4.3):
 *  - MISSING|WP range with a protected page, re-registered MISSING only:
 *    a subset, so a no-op - the page is still protected (write -> WP 0x3)
 *    and WRITEPROTECT still works there.
 *  - WP-only range with a protected page, re-registered MISSING only: the
 *    modes are replaced, WP mode is gone, so the write proceeds without a
 *    message and WRITEPROTECT on the range is ENOENT.
 */
#include "harness.h"

static int fd;

static int wp(char *a, uint64_t mode)
{
	struct uffdio_writeprotect w = { { (uintptr_t)a, (uint64_t)t_page }, mode };

	return uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &w);
}

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p, *q;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	q = t_map(1);
	p[0] = 1;
	q[0] = 2;

	/* MISSING|WP -> MISSING: unchanged. */
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	CHECK_OK(wp(p, UFFDIO_WRITEPROTECT_MODE_WP));
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + 1, 1, 0x11);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(wp(p, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[1], 0x11);

	/* WP -> MISSING: replaced, protection no longer enforced. */
	t_register(fd, q, 1, UFFDIO_REGISTER_MODE_WP);
	CHECK_OK(wp(q, UFFDIO_WRITEPROTECT_MODE_WP));
	CHECK_HEX(t_register(fd, q, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_ERR(wp(q, 0), ENOENT);
	t_touch_start(&t, q + 1, 1, 0x12);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(q[1], 0x12);
	CHECK_EQ(q[0], 2);
	close(fd);
	return 0;
}
