/* PROT_NONE and PROT_READ private anon mappings register fine (0x13c); a read of a PROT_READ registered page faults and is resolved by COPY. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *none, *ro;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	none = mmap(NULL, 2 * (size_t)t_page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 2 * (size_t)t_page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(none != MAP_FAILED && ro != MAP_FAILED);
	CHECK_HEX(t_register(fd, none, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_HEX(t_register(fd, ro, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	t_touch_start(&t, ro + t_page + 5, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)ro + t_page);
	CHECK_OK(t_copy_byte(fd, ro + t_page, 0x77, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x77);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
