/* A second UFFDIO_API cannot add features: after API(0), API(THREAD_ID|EXACT_ADDRESS) fails and messages keep ptid 0 and page-aligned addresses. */
#include "harness.h"

int main(void)
{
	struct uffdio_api api;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	api = (struct uffdio_api){ UFFD_API, UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EXACT_ADDRESS, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_API, &api), EINVAL);
	CHECK_HEX(api.api, 0);
	CHECK_HEX(api.features, 0);
	CHECK_HEX(api.ioctls, 0);

	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + 0x123, 1, 9);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_EQ(m.arg.pagefault.feat.ptid, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 9);
	t_touch_join(&t);
	close(fd);
	return 0;
}
