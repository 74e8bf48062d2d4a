/*
 * UFFDIO_ZEROPAGE basics (spec 7.5): zeropage == 4096, the page reads as
 * zeros without a fault, a waiter on it is woken and reads 0, and a later
 * write to it proceeds with no uffd message (ordinary copy-on-write).
 */
#include "harness.h"

int main(void)
{
	struct uffdio_zeropage z;
	struct t_toucher t;
	struct uffd_msg m;
	volatile char *p;
	long i;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, (void *)p, 2, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, (char *)p + 77, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	z = (struct uffdio_zeropage){ .range = { (uintptr_t)p, (uint64_t)t_page },
				      .zeropage = 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z));
	CHECK_EQ(z.zeropage, t_page);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);

	for (i = 0; i < t_page; i++)
		CHECK_EQ(p[i], 0);
	/* A write by another thread must not block or queue a message. */
	t_touch_start(&t, (char *)p + 5, 1, 0x35);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t.seen, 0x35);
	CHECK_EQ(p[5], 0x35);
	CHECK_EQ(p[6], 0);
	p[t_page - 1] = 9;
	CHECK_EQ(p[t_page - 1], 9);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
