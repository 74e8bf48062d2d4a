/*
 * UFFD_FEATURE_SIGBUS with write protection (spec 9.5): a write to a
 * protected page raises SIGBUS, si_code BUS_ADRERR, si_addr the exact
 * address, nothing queued and the page unchanged; reads of it proceed
 * without a signal; after UFFDIO_WRITEPROTECT mode 0 the write works.
 * A MISSING|WP range behaves the same for its protected page.
 */
#include "sigbus_util.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_SIGBUS | UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	bus_catch();
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_SIGBUS);
	p = t_map(2);
	memset(p, 0x66, 2 * (size_t)t_page);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_WP);
	t_register(fd, p + t_page, 1, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	CHECK_EQ(bus_try(p + 0x345, 0, 0), 0);
	CHECK_EQ(bus_try(p + 0x345, 1, 0x67), SIGBUS);
	CHECK_EQ(bus_code, BUS_ADRERR);
	CHECK(bus_addr == p + 0x345);
	CHECK_EQ(p[0x345], 0x66);
	CHECK_EQ(bus_try(p + t_page + 0xffe, 1, 0x68), SIGBUS);
	CHECK_EQ(bus_code, BUS_ADRERR);
	CHECK(bus_addr == p + t_page + 0xffe);
	CHECK_EQ(bus_try(p + t_page, 0, 0), 0);
	CHECK_EQ(bus_count, 2);
	CHECK_EQ(t_poll(fd, POLLIN, 50), 0);
	CHECK_ERR(read(fd, &m, sizeof(m)), EAGAIN);

	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	CHECK_EQ(bus_try(p + 0x345, 1, 0x67), 0);
	CHECK_EQ(bus_try(p + t_page + 0xffe, 1, 0x68), 0);
	CHECK_EQ(p[0x345], 0x67);
	CHECK_EQ(p[t_page + 0xffe], 0x68);
	CHECK_EQ(bus_count, 2);
	close(fd);
	return 0;
}
