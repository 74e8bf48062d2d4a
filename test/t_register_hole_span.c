/* REGISTER of a range spanning a hole succeeds; both mapped parts fault, the hole stays unmapped. */
#include "harness.h"

static void fault_and_fill(int fd, char *addr, int byte)
{
	struct t_toucher t;
	struct uffd_msg m;

	t_touch_start(&t, addr, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)addr);
	CHECK_OK(t_copy_byte(fd, addr, byte, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, byte);
	t_touch_join(&t);
}

int main(void)
{
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(5);
	CHECK_OK(munmap(p + 2 * t_page, (size_t)t_page));	/* [A A][hole][B B] */
	CHECK_HEX(t_register(fd, p, 5, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_ERR(msync(p + 2 * t_page, (size_t)t_page, MS_ASYNC), ENOMEM);
	fault_and_fill(fd, p + t_page, 0x21);
	fault_and_fill(fd, p + 3 * t_page, 0x22);
	fault_and_fill(fd, p, 0x23);
	fault_and_fill(fd, p + 4 * t_page, 0x24);
	close(fd);
	return 0;
}
