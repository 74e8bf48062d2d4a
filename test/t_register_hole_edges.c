/* REGISTER of a range starting and/or ending in a hole succeeds and registers the mapped part. */
#include "harness.h"

static void fault_and_fill(int fd, char *addr, int byte)
{
	struct t_toucher t;
	struct uffd_msg m;

	t_touch_start(&t, addr, 1, (char)byte);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)addr);
	CHECK_OK(t_zeropage(fd, addr, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, byte);
	t_touch_join(&t);
}

/* The holes at page 0 and page 4 are still unmapped. */
static void holes_unmapped(char *p)
{
	CHECK_ERR(msync(p, (size_t)t_page, MS_ASYNC), ENOMEM);
	CHECK_ERR(msync(p + 4 * t_page, (size_t)t_page, MS_ASYNC), ENOMEM);
}

int main(void)
{
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	/* [hole][A][B][C][hole] */
	p = t_map(5);
	CHECK_OK(munmap(p, (size_t)t_page));
	CHECK_OK(munmap(p + 4 * t_page, (size_t)t_page));

	/* Starting in the hole, ending inside the mapping. */
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	holes_unmapped(p);
	fault_and_fill(fd, p + t_page, 1);
	/* Starting inside the mapping, ending in the hole. */
	CHECK_HEX(t_register(fd, p + 3 * t_page, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	holes_unmapped(p);
	fault_and_fill(fd, p + 3 * t_page, 2);
	/* Both ends in holes. */
	CHECK_HEX(t_register(fd, p, 5, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	holes_unmapped(p);
	fault_and_fill(fd, p + 2 * t_page, 3);
	close(fd);
	return 0;
}
