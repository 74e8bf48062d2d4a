/* read() returns only whole messages: read(48) with 3 pending -> 32, read(63) -> 32; the rest stay queued. A blocking read(64) with 1 pending returns 32 without waiting for a second. */
#include "harness.h"

/* Start a toucher and wait until it sleeps in the fault. */
static void start_blocked(struct t_toucher *t, void *addr)
{
	int i;

	t_touch_start(t, addr, 0, 0);
	for (i = 0; i < 5000 && t_thread_state(t->tid) != 'S'; i++)
		t_msleep(1);
	CHECK_EQ(t_thread_state(t->tid), 'S');
	t_msleep(20);
}

int main(void)
{
	struct t_toucher t[3];
	struct uffd_msg m[4];
	char *p;
	int fd, i, fl;

	t_init(60);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	CHECK_HEX(t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	for (i = 0; i < 3; i++)
		start_blocked(&t[i], p + i * t_page);

	CHECK_EQ(read(fd, m, 48), 32);
	CHECK_HEX(m[0].arg.pagefault.address, (uintptr_t)p);
	CHECK_EQ(read(fd, m, 63), 32);
	CHECK_HEX(m[0].arg.pagefault.address, (uintptr_t)p + t_page);

	/* Blocking read of two slots with one message: returns that one. */
	fl = fcntl(fd, F_GETFL);
	CHECK_OK(fcntl(fd, F_SETFL, fl & ~O_NONBLOCK));
	CHECK_EQ(read(fd, m, 64), 32);
	CHECK_HEX(m[0].arg.pagefault.address, (uintptr_t)p + 2 * t_page);
	CHECK_OK(fcntl(fd, F_SETFL, fl));
	CHECK_ERR(read(fd, m, 128), EAGAIN);

	CHECK_OK(t_zeropage(fd, p, 3, 0));
	for (i = 0; i < 3; i++) {
		CHECK(t_touch_wait(&t[i], 5000));
		t_touch_join(&t[i]);
	}
	close(fd);
	return 0;
}
