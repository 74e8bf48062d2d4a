/*
 * MISSING fault message flags and address (spec 1.4, 9.2): a read fault has
 * flags 0, a write fault UFFD_PAGEFAULT_FLAG_WRITE (and nothing else); the
 * address is page aligned (the access was at an odd offset); event 0x12.
 */
#include "harness.h"

static void one(int fd, char *page, long off, int write)
{
	struct t_toucher t;
	struct uffd_msg m;

	t_touch_start(&t, page + off, write, 0x29);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, write ? UFFD_PAGEFAULT_FLAG_WRITE : 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)page);
	CHECK_EQ(m.arg.pagefault.address % (uint64_t)t_page, 0);
	CHECK_EQ(m.arg.pagefault.feat.ptid, 0);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	CHECK_OK(t_copy_byte(fd, page, 0x10, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, write ? 0x29 : 0x10);
	t_touch_join(&t);
}

int main(void)
{
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);

	one(fd, p, 0x123, 0);
	one(fd, p + t_page, t_page - 1, 1);
	one(fd, p + 2 * t_page, 0, 1);
	one(fd, p + 3 * t_page, 0x801, 0);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
