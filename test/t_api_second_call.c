/* A second UFFDIO_API fails EINVAL with the struct zeroed; the first call's features (THREAD_ID, EXACT_ADDRESS) stay in effect. */
#include "harness.h"

int main(void)
{
	struct uffdio_api api = { UFFD_API, UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EXACT_ADDRESS, 0 };
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_HEX(api.api, UFFD_API);

	api = (struct uffdio_api){ UFFD_API, 0, 0x1234 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_API, &api), EINVAL);
	CHECK_HEX(api.api, 0);
	CHECK_HEX(api.features, 0);
	CHECK_HEX(api.ioctls, 0);
	api = (struct uffdio_api){ UFFD_API, UFFD_FEATURE_THREAD_ID, 0x1234 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_API, &api), EINVAL);
	CHECK_HEX(api.api, 0);
	CHECK_HEX(api.features, 0);
	CHECK_HEX(api.ioctls, 0);

	/* The uffd works with the features of the first call. */
	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + 0x123, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_EQ(m.arg.pagefault.feat.ptid, t.tid);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 0x123);
	CHECK_OK(t_copy_byte(fd, p, 0x11, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x11);
	t_touch_join(&t);
	close(fd);
	return 0;
}
