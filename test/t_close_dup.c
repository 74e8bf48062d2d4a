/*
 * close(dup(fd)) is not the last reference (spec 9.6): it changes
 * nothing; the faulting thread stays blocked and the original descriptor
 * still reads the message and resolves it.  Then the dup is closed first
 * and the original last: the second close unregisters.
 */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd, d;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, p + 1, 0, 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	d = dup(fd);
	CHECK(d >= 0);
	CHECK_OK(close(d));
	t_msleep(200);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_copy_byte(fd, p, 0x26, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x26);
	t_touch_join(&t);

	/* A dup works as the same uffd; closing only the original keeps it. */
	d = dup(fd);
	CHECK(d >= 0);
	CHECK_OK(close(fd));
	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_read_msg(d, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	CHECK_OK(close(d));		/* last reference: unregister + wake */
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	return 0;
}
