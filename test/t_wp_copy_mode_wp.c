/*
 * UFFDIO_COPY_MODE_WP (spec 7.4, 8): resolving a MISSING fault of a
 * MISSING|WP range with COPY|MODE_WP installs a write-protected page: the
 * faulting writer is woken, retries, and faults again as WP (0x3); reads
 * of the page proceed and see the copied data; un-protecting completes the
 * write.  COPY|MODE_WP into a WP-only range's empty page works the same.
 */
#include "harness.h"

static int fd;

static void unprotect(char *a)
{
	struct uffdio_writeprotect wp = { { (uintptr_t)a, (uint64_t)t_page }, 0 };

	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
}

int main(void)
{
	struct uffdio_copy c;
	struct t_toucher t, r;
	struct uffd_msg m;
	char *p, *q, *src;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	q = t_map(1);
	src = t_map(1);
	memset(src, 0x5e, (size_t)t_page);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	t_register(fd, q, 1, UFFDIO_REGISTER_MODE_WP);

	t_touch_start(&t, p + 9, 1, 0x5f);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	c = (struct uffdio_copy){ .dst = (uintptr_t)p, .src = (uintptr_t)src,
				  .len = (uint64_t)t_page, .mode = UFFDIO_COPY_MODE_WP,
				  .copy = 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	t_touch_start(&r, p + 9, 0, 0);
	CHECK(t_touch_wait(&r, 5000));
	CHECK_EQ(r.seen, 0x5e);
	t_touch_join(&r);
	unprotect(p);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x5f);
	t_touch_join(&t);
	CHECK_EQ(p[8], 0x5e);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* WP-only range, empty page. */
	c = (struct uffdio_copy){ .dst = (uintptr_t)q, .src = (uintptr_t)src,
				  .len = (uint64_t)t_page, .mode = UFFDIO_COPY_MODE_WP,
				  .copy = 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	CHECK_EQ(q[100], 0x5e);
	t_touch_start(&t, q + 100, 1, 0x60);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)q);
	unprotect(q);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(q[100], 0x60);
	close(fd);
	return 0;
}
