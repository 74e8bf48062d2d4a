/*
 * Un-protecting with UFFDIO_WRITEPROTECT_MODE_DONTWAKE (spec 8): the call
 * succeeds and removes the protection but the blocked writer stays
 * blocked; UFFDIO_WAKE on its page then lets it complete, with no new
 * message (the page is writable now).
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	memset(p, 0x51, 2 * (size_t)t_page);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	t_touch_start(&t, p + t_page + 1, 1, 0x52);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);

	wp.mode = UFFDIO_WRITEPROTECT_MODE_DONTWAKE;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	t_msleep(100);	/* a wrongly woken thread would have finished by now */
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	/* The protection is gone: page 0 is writable without a message. */
	{
		struct t_toucher u;

		t_touch_start(&u, p, 1, 0x50);
		CHECK(t_touch_wait(&u, 5000));
		t_touch_join(&u);
		CHECK_EQ(t_drain(fd, &m, 1), 0);
	}

	CHECK_OK(t_wake(fd, p + t_page, (size_t)t_page));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x52);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[t_page + 1], 0x52);
	close(fd);
	return 0;
}
