/*
 * UFFDIO_MOVE with a src inside the registered (MISSING) range itself
 * (spec 7.8: src need not be registered, ranges may share a VMA): moving
 * page 0 to page 3 succeeds; page 3 has page 0's data; page 0 is missing
 * again - a read of it is a MISSING fault (flags 0) at its address,
 * resolved by COPY.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_move mv;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, p, 0x1f, 0));

	mv = (struct uffdio_move){ (uintptr_t)p + 3 * t_page, (uintptr_t)p, (uint64_t)t_page,
				   0, 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_MOVE, &mv));
	CHECK_EQ(mv.move, t_page);
	CHECK_EQ(p[3 * t_page], 0x1f);
	CHECK_EQ(p[4 * t_page - 1], 0x1f);

	t_touch_start(&t, p + 8, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_copy_byte(fd, p, 0x20, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x20);
	t_touch_join(&t);
	CHECK_EQ(p[3 * t_page + 8], 0x1f);
	close(fd);
	return 0;
}
