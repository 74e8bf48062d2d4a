/* uffd_open(UFFD_USER_MODE_ONLY) works: API succeeds, O_RDONLY, and user-mode faults are delivered. */
#include "harness.h"

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open(UFFD_USER_MODE_ONLY | O_CLOEXEC | O_NONBLOCK);
	/* UFFD_USER_MODE_ONLY (== O_WRONLY's value) is not a file status flag. */
	CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_HEX(api.api, UFFD_API);
	CHECK_HEX(api.ioctls, UFFD_API_IOCTLS_618);
	CHECK_HEX(api.features, t_features());

	p = t_map(2);
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + t_page + 8, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x3c, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x3c);
	t_touch_join(&t);
	close(fd);
	return 0;
}
