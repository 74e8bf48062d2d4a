/*
 * Two threads writing the same write-protected page (spec 9.3): each
 * queues its own WP message (flags 0x3, same page address, each with its
 * own ptid); un-protecting a different page wakes neither; one
 * un-protect of their page wakes both and both stores land.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher a, b;
	struct uffd_msg m[2];
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_THREAD_ID);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_THREAD_ID);
	p = t_map(2);
	memset(p, 0x10, 2 * (size_t)t_page);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	t_touch_start(&a, p + t_page + 1, 1, 0x11);
	CHECK(t_read_msg(fd, &m[0], 5000));
	t_touch_start(&b, p + t_page + 2, 1, 0x12);
	CHECK(t_read_msg(fd, &m[1], 5000));
	CHECK_HEX(m[0].arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m[1].arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m[0].arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK_HEX(m[1].arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK_EQ(m[0].arg.pagefault.feat.ptid, a.tid);
	CHECK_EQ(m[1].arg.pagefault.feat.ptid, b.tid);

	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	t_msleep(100);	/* a wrongly woken thread would have finished by now */
	CHECK(!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE));
	CHECK(!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE));
	CHECK_EQ(t_drain(fd, m, 2), 0);

	wp = (struct uffdio_writeprotect){ { (uintptr_t)p + t_page, (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&a, 5000));
	CHECK(t_touch_wait(&b, 5000));
	t_touch_join(&a);
	t_touch_join(&b);
	CHECK_EQ(p[t_page + 1], 0x11);
	CHECK_EQ(p[t_page + 2], 0x12);
	CHECK_EQ(t_drain(fd, m, 2), 0);
	close(fd);
	return 0;
}
