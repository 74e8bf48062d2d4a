/*
 * Write-protecting a zero page (spec 8: "also on a WP'd zero page"): a page
 * mapped with UFFDIO_ZEROPAGE in a MISSING|WP range, and a page read-
 * faulted in a WP-only range, are present; protecting them makes a write
 * a WP fault (0x3) while reads still see zeros; un-protecting lets the
 * write land (the rest of the page stays zero).
 */
#include "harness.h"

static int fd;

static void check_wp(char *a)
{
	struct uffdio_writeprotect wp = { { (uintptr_t)a, (uint64_t)t_page },
					  UFFDIO_WRITEPROTECT_MODE_WP };
	struct t_toucher t, r;
	struct uffd_msg m;

	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	t_touch_start(&t, a + 33, 1, 0x7e);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)a);
	t_touch_start(&r, a + 33, 0, 0);
	CHECK(t_touch_wait(&r, 5000));
	CHECK_EQ(r.seen, 0);
	t_touch_join(&r);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(a[33], 0x7e);
	CHECK_EQ(a[32], 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
}

int main(void)
{
	volatile char *q;
	char *p;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	q = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	check_wp(p);

	t_register(fd, (void *)q, 1, UFFDIO_REGISTER_MODE_WP);
	CHECK_EQ(q[1], 0);	/* read fault: zero page, no message */
	check_wp((char *)q);
	close(fd);
	return 0;
}
