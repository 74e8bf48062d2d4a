/* UNREGISTER through a uffd that does not own the range fails EINVAL (6.17+) and changes nothing, even for its own part of the range. */
#include "harness.h"

static void fault_on(int owner, int other, char *addr, int byte)
{
	struct t_toucher t;
	struct uffd_msg m;

	t_touch_start(&t, addr, 0, 0);
	CHECK(t_read_msg(owner, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)addr);
	CHECK_EQ(t_drain(other, &m, 1), 0);
	CHECK_OK(t_copy_byte(owner, addr, byte, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, byte);
	t_touch_join(&t);
}

int main(void)
{
	struct uffdio_range r;
	char *p;
	int a, b;

	t_init(30);
	a = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	b = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	/* [a][a][b][b][plain][plain] */
	p = t_map(6);
	CHECK_HEX(t_register(a, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_HEX(t_register(b, p + 2 * t_page, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	r = (struct uffdio_range){ (uintptr_t)p + 2 * t_page, 2 * (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(a, UFFDIO_UNREGISTER, &r), EINVAL);
	r = (struct uffdio_range){ (uintptr_t)p + 3 * t_page, 3 * (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(a, UFFDIO_UNREGISTER, &r), EINVAL);
	r = (struct uffdio_range){ (uintptr_t)p, 4 * (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(a, UFFDIO_UNREGISTER, &r), EINVAL);
	CHECK_ERR(uffd_ioctl(b, UFFDIO_UNREGISTER, &r), EINVAL);

	fault_on(b, a, p + 3 * t_page, 0x3b);
	fault_on(b, a, p + 2 * t_page, 0x2b);
	fault_on(a, b, p + t_page, 0x1a);
	fault_on(a, b, p, 0x0a);
	close(a);
	close(b);
	return 0;
}
