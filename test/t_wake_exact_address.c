/* With EXACT_ADDRESS a page-aligned WAKE range still matches the exact fault address; the re-fault message carries the exact address again. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EXACT_ADDRESS);
	p = t_map(2);
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + t_page + 0x321, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page + 0x321);
	CHECK_EQ(t_wake(fd, p + t_page, (size_t)t_page), 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page + 0x321);
	CHECK(!t_touch_done(&t));
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x24, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x24);
	t_touch_join(&t);
	close(fd);
	return 0;
}
