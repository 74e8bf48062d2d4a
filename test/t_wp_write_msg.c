/*
 * Write-protecting populated pages (spec 8, 9.1, 9.2): reads of a
 * protected page proceed without a message (and see the old data); a
 * write blocks and queues one message: event PAGEFAULT, flags WP|WRITE
 * (0x3), page-aligned address, ptid with THREAD_ID; the page keeps its old
 * contents meanwhile.  UFFDIO_WRITEPROTECT mode 0 on the page wakes the
 * writer, whose store lands; the page is then writable with no message.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher r, w;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_THREAD_ID);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_THREAD_ID);
	p = t_map(3);
	memset(p, 0x41, 3 * (size_t)t_page);
	t_register(fd, p, 3, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 3 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	/* Reads proceed. */
	t_touch_start(&r, p + t_page + 100, 0, 0);
	CHECK(t_touch_wait(&r, 5000));
	CHECK_EQ(r.seen, 0x41);
	t_touch_join(&r);
	CHECK_EQ(p[2 * t_page + 9], 0x41);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* A write faults. */
	t_touch_start(&w, p + t_page + 0x123, 1, 0x42);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_EQ(m.reserved1, 0);
	CHECK_EQ(m.reserved2, 0);
	CHECK_EQ(m.reserved3, 0);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WP | UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK_EQ(m.arg.pagefault.feat.ptid, w.tid);
	t_msleep(50);
	CHECK(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
	CHECK_EQ(p[t_page + 0x123], 0x41);
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	/* Un-protect that page (mode 0 wakes). */
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p + t_page, (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&w, 5000));
	CHECK_EQ(w.seen, 0x42);
	t_touch_join(&w);
	CHECK_EQ(p[t_page + 0x123], 0x42);
	CHECK_EQ(p[t_page + 0x124], 0x41);

	/* Now writable without a message; the neighbours are still protected. */
	t_touch_start(&w, p + t_page, 1, 0x43);
	CHECK(t_touch_wait(&w, 5000));
	t_touch_join(&w);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	t_touch_start(&w, p + 2 * t_page, 1, 0x44);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 2 * (uintptr_t)t_page);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 3 * (uint64_t)t_page }, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK(t_touch_wait(&w, 5000));
	t_touch_join(&w);
	CHECK_EQ(p[2 * t_page], 0x44);
	close(fd);
	return 0;
}
