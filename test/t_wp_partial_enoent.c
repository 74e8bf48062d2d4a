/*
 * UFFDIO_WRITEPROTECT is applied VMA by VMA and stops at the first VMA
 * without WP mode (spec 8): over 2 WP-registered pages followed by 1
 * unregistered page it fails with ENOENT, yet the first two pages are
 * write-protected (a write to each gives a WP message, flags 0x3) and the
 * third is not.  With the unregistered page first, ENOENT and nothing done.
 */
#include "harness.h"

static int fd;

static int wp(void *a, size_t npages, uint64_t mode)
{
	struct uffdio_writeprotect w = {
		{ (uintptr_t)a, npages * (uint64_t)t_page }, mode,
	};

	return uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &w);
}

static void expect_wp_fault(char *a, char v)
{
	struct t_toucher t;
	struct uffd_msg m;

	t_touch_start(&t, a, 1, v);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)a);
	CHECK(!t_touch_done(&t));
	CHECK_OK(wp(a, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, v);
	t_touch_join(&t);
}

static void expect_no_fault(char *a, char v)
{
	struct t_toucher t;
	struct uffd_msg m;

	t_touch_start(&t, a, 1, v);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, v);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
}

int main(void)
{
	char *p;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(6);
	memset(p, 1, 6 * (size_t)t_page);
	/* Pages 0,1 WP | page 2 unregistered | page 3 unregistered, 4,5 WP. */
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	t_register(fd, p + 4 * t_page, 2, UFFDIO_REGISTER_MODE_WP);

	CHECK_ERR(wp(p, 3, UFFDIO_WRITEPROTECT_MODE_WP), ENOENT);
	expect_wp_fault(p, 0x11);
	expect_wp_fault(p + t_page, 0x12);
	expect_no_fault(p + 2 * t_page, 0x13);

	CHECK_ERR(wp(p + 3 * t_page, 3, UFFDIO_WRITEPROTECT_MODE_WP), ENOENT);
	expect_no_fault(p + 3 * t_page, 0x14);
	expect_no_fault(p + 4 * t_page, 0x15);
	expect_no_fault(p + 5 * t_page, 0x16);
	close(fd);
	return 0;
}
