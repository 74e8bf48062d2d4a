/* preadv2(RWF_NOWAIT, offset -1) on a blocking uffd does not block: EAGAIN when empty, the message when one is queued. */
#include "harness.h"
#include <sys/uio.h>

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	struct iovec iov = { &m, sizeof(m) };
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC, 0);
	CHECK_ERR(preadv2(fd, &iov, 1, -1, RWF_NOWAIT), EAGAIN);
	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p, 1, 0x0f);
	{
		int i;

		for (i = 0; i < 5000 && t_thread_state(t.tid) != 'S'; i++)
			t_msleep(1);
		t_msleep(20);
	}
	CHECK_EQ(preadv2(fd, &iov, 1, -1, RWF_NOWAIT), (ssize_t)sizeof(m));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_ERR(preadv2(fd, &iov, 1, -1, RWF_NOWAIT), EAGAIN);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x0f);
	t_touch_join(&t);
	close(fd);
	return 0;
}
