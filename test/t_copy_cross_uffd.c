/*
 * UFFDIO_COPY through uffd A into a range registered with uffd B (spec
 * 7.2, 7.3): succeeds (the VMA only needs to be registered with some uffd
 * of the mm), installs the data, but does not wake the thread blocked on
 * B's fault; UFFDIO_WAKE on B does, and the thread sees A's data.
 */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *pa, *pb;
	int fa, fb;

	t_init(30);
	fa = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	fb = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	pa = t_map(2);
	pb = t_map(2);
	t_register(fa, pa, 2, UFFDIO_REGISTER_MODE_MISSING);
	t_register(fb, pb, 2, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, pb + 10, 0, 0);
	CHECK(t_read_msg(fb, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)pb);

	CHECK_OK(t_copy_byte(fa, pb, 0x4e, 0));
	t_msleep(200);
	CHECK(!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE));
	/* A had no waiter and B got no new message. */
	CHECK_EQ(t_poll(fa, POLLIN, 0), 0);
	CHECK_EQ(t_poll(fb, POLLIN, 0), 0);

	CHECK_OK(t_wake(fb, pb, (size_t)t_page));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x4e);
	t_touch_join(&t);
	CHECK_EQ(t_poll(fb, POLLIN, 0), 0);
	close(fa);
	close(fb);
	return 0;
}
