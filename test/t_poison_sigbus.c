/*
 * UFFDIO_POISON (spec 7.7): poisoning 2 missing pages returns 0 with
 * updated == len; afterwards every access raises SIGBUS, si_code
 * BUS_ADRERR and si_addr the exact address (reads and writes, both pages,
 * repeatedly), with no uffd message queued.  Works without requesting
 * UFFD_FEATURE_POISON.
 */
#include "sigbus_util.h"

int main(void)
{
	struct uffdio_poison po;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	bus_catch();
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING);

	po = (struct uffdio_poison){ { (uintptr_t)p, 2 * (uint64_t)t_page }, 0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &po));
	CHECK_EQ(po.updated, 2 * t_page);

	bus_expect(p + 0x11, 0);
	bus_expect(p + 0x11, 1);
	bus_expect(p, 0);
	bus_expect(p + t_page - 1, 1);
	bus_expect(p + t_page + 0x777, 0);
	bus_expect(p + 2 * t_page - 8, 1);
	bus_expect(p + 0x11, 0);
	CHECK_EQ(bus_count, 7);
	CHECK_EQ(t_poll(fd, POLLIN, 50), 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);

	/* The third page was not poisoned: it is still missing. */
	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x33, 0));
	CHECK_EQ(bus_try(p + 2 * t_page, 0, 1), 0);
	CHECK_EQ(p[2 * t_page], 0x33);
	CHECK_EQ(bus_count, 7);
	close(fd);
	return 0;
}
