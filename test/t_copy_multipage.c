/*
 * A 16-page UFFDIO_COPY (spec 7.1, 7.4): returns 0 with copy == 16 pages,
 * every page holds its own data, and a thread blocked on a fault in the
 * middle of the range is woken and sees the right data.
 */
#include "harness.h"

#define N 16

int main(void)
{
	struct uffdio_copy c;
	struct t_toucher t;
	struct uffd_msg m;
	unsigned char *p, *src;
	long i, j;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(N);
	src = t_map(N);
	for (i = 0; i < N; i++)
		for (j = 0; j < t_page; j++)
			src[i * t_page + j] = (unsigned char)(i * 31 + j * 13 + 1);
	t_register(fd, p, N, UFFDIO_REGISTER_MODE_MISSING);

	t_touch_start(&t, p + 9 * t_page + 5, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + 9 * (uintptr_t)t_page);

	c = (struct uffdio_copy){ .dst = (uintptr_t)p, .src = (uintptr_t)src,
				  .len = N * (uint64_t)t_page, .copy = 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, N * t_page);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ((unsigned char)t.seen, src[9 * t_page + 5]);
	t_touch_join(&t);

	for (i = 0; i < N; i++)
		for (j = 0; j < t_page; j++)
			CHECK_MSG(p[i * t_page + j] == src[i * t_page + j],
				  "page %ld byte %ld: %#x, expected %#x", i, j,
				  p[i * t_page + j], src[i * t_page + j]);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
