/* REGISTER fails EBUSY when another uffd owns any page of the range; nothing changes (the owner still gets the fault). */
#include "harness.h"

int main(void)
{
	struct uffdio_register reg;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int a, b;

	t_init(30);
	a = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	b = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	CHECK_HEX(t_register(a, p + t_page, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	/* Whole range, exactly the owned range, and one owned page at the end. */
	reg = (struct uffdio_register){ { (uintptr_t)p, 4 * (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0x1234 };
	CHECK_ERR(uffd_ioctl(b, UFFDIO_REGISTER, &reg), EBUSY);
	CHECK_HEX(reg.ioctls, 0x1234);
	reg.range.start = (uintptr_t)p + t_page;
	reg.range.len = 2 * (uint64_t)t_page;
	CHECK_ERR(uffd_ioctl(b, UFFDIO_REGISTER, &reg), EBUSY);
	reg.range.start = (uintptr_t)p;
	reg.range.len = 2 * (uint64_t)t_page;
	CHECK_ERR(uffd_ioctl(b, UFFDIO_REGISTER, &reg), EBUSY);
	CHECK_HEX(reg.ioctls, 0x1234);

	/* b registered nothing: page 0 and 3 zero-fill without any message. */
	t_touch_start(&t, p, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	t_touch_start(&t, p + 3 * t_page, 1, 5);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(b, &m, 1), 0);
	CHECK_EQ(t_drain(a, &m, 1), 0);

	/* a still owns page 2: the fault goes to a, not b. */
	t_touch_start(&t, p + 2 * t_page, 0, 0);
	CHECK(t_read_msg(a, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 2 * t_page);
	CHECK_EQ(t_drain(b, &m, 1), 0);
	CHECK_OK(t_copy_byte(a, p + 2 * t_page, 0x61, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x61);
	t_touch_join(&t);
	close(a);
	close(b);
	return 0;
}
