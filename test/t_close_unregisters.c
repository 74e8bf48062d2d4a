/*
 * Closing the uffd unregisters its ranges (spec 9.6): afterwards a missing
 * page is zero-filled on access (no message anywhere, no hang), pages
 * filled earlier keep their data, and a new uffd can register the same
 * range (no EBUSY) and gets the faults of the still missing pages.
 */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	volatile char *p;
	int fd, fd2;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	t_register(fd, (void *)p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, (void *)p, 0x5e, 0));
	CHECK_OK(close(fd));

	CHECK_EQ(p[0], 0x5e);
	CHECK_EQ(p[t_page + 1], 0);		/* zero-fill in this thread */
	t_touch_start(&t, (char *)p + 2 * t_page, 1, 4);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 4);
	t_touch_join(&t);

	fd2 = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	CHECK_HEX(t_register(fd2, (void *)p, 4, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	/* Pages 0..2 are present, page 3 still missing. */
	CHECK_ERR(t_copy_byte(fd2, (void *)p, 1, 0), EEXIST);
	CHECK_ERR(t_copy_byte(fd2, (char *)p + t_page, 1, 0), EEXIST);
	t_touch_start(&t, (char *)p + 3 * t_page, 0, 0);
	CHECK(t_read_msg(fd2, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 3 * (uintptr_t)t_page);
	CHECK_OK(t_copy_byte(fd2, (char *)p + 3 * t_page, 0x6d, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x6d);
	t_touch_join(&t);
	close(fd2);
	return 0;
}
