/*
 * Write protection left dormant by a mode change (spec 5, 8).  Pages
 * write-protected under WP mode, then registered again with MISSING only,
 * keep their uffd-wp state as the kernel's PTE bits and markers do, but
 * it is dormant while the range has no WP mode:
 *  - present pages: a write proceeds without a message; a page not
 *    written meanwhile is write-protected again when WP mode comes back
 *    (a write is a WP fault), found by fuzz_ioctl (K19);
 *  - markers on never-populated pages (WP_UNPOPULATED): the first access
 *    clears the marker, even one that fails - an ioctl argument read from
 *    the page, EFAULT with UFFD_USER_MODE_ONLY - or one answered by a
 *    MISSING message; after it ZEROPAGE succeeds there (before it,
 *    EEXIST), found by fuzz_ioctl (K20).
 */
#include "harness.h"

static int fd;

static void protect(char *a, size_t npages)
{
	struct uffdio_writeprotect w = { { (uintptr_t)a, npages * (uint64_t)t_page },
					 UFFDIO_WRITEPROTECT_MODE_WP };

	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &w));
}

static void present_pages(void)
{
	struct uffdio_writeprotect un;
	struct t_toucher t;
	struct uffd_msg m;
	char *p = t_map(2);

	p[0] = 1;
	p[t_page] = 2;
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	protect(p, 2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	/* Dormant: the write completes without a message. */
	t_touch_start(&t, p, 1, 0x31);
	CHECK_MSG(t_touch_wait(&t, 5000), "write to a dormant WP page blocked");
	t_touch_join(&t);
	CHECK_EQ(p[0], 0x31);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* WP mode back: the page not written meanwhile is protected again. */
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	t_touch_start(&t, p + t_page, 1, 0x32);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	un = (struct uffdio_writeprotect){ { (uintptr_t)p + t_page, (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &un));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(p[t_page], 0x32);
	t_unregister(fd, p, 2);
}

static void markers(void)
{
	struct uffdio_range r;
	struct t_toucher t;
	struct uffd_msg m;
	char *p = t_map(2);

	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	protect(p, 2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_ERR(t_zeropage(fd, p, 1, 0), EEXIST);
	CHECK_ERR(t_zeropage(fd, p + t_page, 1, 0), EEXIST);

	/* A user access: a MISSING message, and the marker is gone. */
	t_touch_start(&t, p + 7, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);

	/* An ioctl argument read from the page: EFAULT, the marker is gone. */
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WAKE, (struct uffdio_range *)(p + t_page)), EFAULT);
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	r = *(struct uffdio_range *)(p + t_page);
	CHECK_EQ(r.start, 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	t_unregister(fd, p, 2);
}

int main(void)
{
	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY,
			UFFD_FEATURE_WP_UNPOPULATED);
	present_pages();
	markers();
	close(fd);
	return 0;
}
