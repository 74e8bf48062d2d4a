/*
 * UFFD_FEATURE_SIGBUS (spec 9.5): a user-mode read or write of a missing
 * page raises SIGBUS with si_code BUS_ADRERR and si_addr == the exact
 * address; nothing is queued (read -> EAGAIN, poll -> 0); the page stays
 * missing (a COPY into it succeeds, after which the access works).
 */
#include "sigbus_util.h"

int main(void)
{
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_SIGBUS);
	bus_catch();
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_SIGBUS);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	CHECK_EQ(bus_try(p + 0x123, 0, 1), SIGBUS);
	CHECK_EQ(bus_code, BUS_ADRERR);
	CHECK(bus_addr == p + 0x123);
	CHECK_EQ(bus_try(p + t_page + 0xfff, 1, 1), SIGBUS);
	CHECK_EQ(bus_code, BUS_ADRERR);
	CHECK(bus_addr == p + t_page + 0xfff);
	CHECK_EQ(bus_count, 2);

	CHECK_EQ(t_poll(fd, POLLIN, 100), 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);

	CHECK_OK(t_copy_byte(fd, p, 0x52, 0));
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	CHECK_EQ(bus_try(p + 0x123, 0, 1), 0);
	CHECK_EQ(p[0x123], 0x52);
	CHECK_EQ(bus_try(p + t_page + 0xfff, 1, 1), 0);
	CHECK_EQ(p[t_page + 0xfff], 1);
	CHECK_EQ(bus_count, 2);
	close(fd);
	return 0;
}
