/* UNREGISTER of mapped memory that was never registered returns 0; holes and unregistered parts are skipped. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(5);
	t_unregister(fd, p, 5);		/* nothing registered at all */
	/* [plain][registered][hole][plain][registered] */
	CHECK_OK(munmap(p + 2 * t_page, (size_t)t_page));
	CHECK_HEX(t_register(fd, p + t_page, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_HEX(t_register(fd, p + 4 * t_page, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_unregister(fd, p, 1);
	t_unregister(fd, p + 3 * t_page, 1);
	/* Those did not touch the registered pages. */
	t_touch_start(&t, p + 4 * t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 4 * t_page);
	CHECK_OK(t_zeropage(fd, p + 4 * t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);

	/* One call over everything, hole included, unregisters page 1. */
	t_unregister(fd, p, 5);
	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_ERR(msync(p + 2 * t_page, (size_t)t_page, MS_ASYNC), ENOMEM);
	close(fd);
	return 0;
}
