/*
 * UFFDIO_COPY without MODE_WP into a write-protect marker of a WP-only
 * range (UFFD_FEATURE_WP_UNPOPULATED; spec 7.4 "COPY over a uffd-WP marker
 * succeeds"): 0/4096, the data is readable and the page is not protected
 * (a write proceeds without a message).  A second COPY is EEXIST.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_writeprotect wp;
	struct uffdio_copy c;
	struct t_toucher t;
	struct uffd_msg m;
	char *p, *src;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_WP_UNPOPULATED);
	p = t_map(1);
	src = t_map(1);
	memset(src, 0x3c, (size_t)t_page);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));

	c = (struct uffdio_copy){ .dst = (uintptr_t)p, .src = (uintptr_t)src,
				  .len = (uint64_t)t_page, .copy = 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	CHECK_EQ(p[0], 0x3c);
	CHECK_EQ(p[t_page - 1], 0x3c);

	t_touch_start(&t, p + 1, 1, 0x3d);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[1], 0x3d);

	c.copy = 0x7777;
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EEXIST);
	CHECK_EQ(c.copy, -EEXIST);
	close(fd);
	return 0;
}
