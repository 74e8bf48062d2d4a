/*
 * MADV_DONTNEED on a registered range without any event feature (spec
 * 11.4, 9.1): no message and no wait; a page that was written (its write
 * fault resolved with UFFDIO_COPY) and then DONTNEED'd is missing again:
 * the next access faults MISSING at the same address, and the page reads
 * zero after UFFDIO_ZEROPAGE.
 */
#include "events_util.h"

int main(void)
{
	struct ev_call c;
	struct t_toucher t;
	struct uffd_msg m;
	char *p, out[256], s[96];
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, p + 8, 1, 0x58);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("write page 0: %s\n", s);
	CHECK_STR(s, "PF +0 0x1");
	CHECK_OK(t_copy_byte(fd, p, 0x59, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x58);
	t_touch_join(&t);
	CHECK_EQ(p[9], 0x59);

	c = (struct ev_call){ .op = EV_MADVISE, .addr = p, .len = 2 * (size_t)t_page,
			      .arg = MADV_DONTNEED };
	CHECK_EQ(ev_do(fd, (uintptr_t)p, &c, "DONTNEED +0..+2", out, sizeof(out)), 0);
	CHECK_EQ((long)c.ret, 0);

	t_touch_start(&t, p + 8, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	ev_format(s, sizeof(s), (uintptr_t)p, &m);
	printf("read page 0 again: %s\n", s);
	CHECK_STR(s, "PF +0 0");
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	CHECK_EQ(p[9], 0);
	ev_none(fd, "end");
	close(fd);
	return 0;
}
