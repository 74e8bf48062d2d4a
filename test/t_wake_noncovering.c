/* UFFDIO_WAKE of a range not covering the faulting address does not wake the faulter (no re-fault message); COPY then resolves it. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	CHECK_HEX(t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + 2 * t_page + 40, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 2 * t_page);

	CHECK_EQ(t_wake(fd, p, 2 * (size_t)t_page), 0);
	CHECK_EQ(t_wake(fd, p + 3 * t_page, (size_t)t_page), 0);
	t_msleep(100);	/* a wrongly woken thread would re-fault by now */
	CHECK(!t_touch_done(&t));
	CHECK_EQ(t_drain(fd, &m, 1), 0);

	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x5e, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x5e);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
