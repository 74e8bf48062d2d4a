/* A read fault queues one message; UFFDIO_COPY resolves and wakes it. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	CHECK_HEX(t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	t_touch_start(&t, p + 100, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_EQ(m.arg.pagefault.feat.ptid, 0);
	CHECK(!t_touch_done(&t));
	CHECK_OK(t_copy_byte(fd, p, 0x5a, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x5a);
	t_touch_join(&t);

	/* A write fault on another page carries FLAG_WRITE. */
	t_touch_start(&t, p + 2 * t_page, 1, 7);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 2 * t_page);
	CHECK_OK(t_zeropage(fd, p + 2 * t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 7);
	t_touch_join(&t);
	CHECK_EQ(p[2 * t_page + 1], 0);
	close(fd);
	return 0;
}
