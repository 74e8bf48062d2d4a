/*
 * UFFDIO_COPY into memory that is not a registered VMA (spec 7.3, 7.4):
 * dst mapped but not registered, dst unmapped, and a range starting in the
 * registered VMA and crossing its end into an unregistered mapping all fail
 * with ENOENT and copy == -2; nothing is installed by the crossing COPY.
 */
#include "harness.h"

static void expect_enoent(int fd, void *dst, void *src, size_t npages, int line)
{
	struct uffdio_copy c = { .dst = (uintptr_t)dst, .src = (uintptr_t)src,
				 .len = npages * (uint64_t)t_page, .copy = 0x7777 };
	int r;

	errno = 0;
	r = uffd_ioctl(fd, UFFDIO_COPY, &c);
	CHECK_MSG(r == -1 && errno == ENOENT,
		  "line %d: COPY returned %d errno %s, expected ENOENT", line, r,
		  t_errname(errno));
	CHECK_MSG(c.copy == -ENOENT, "line %d: copy == %lld, expected -2", line,
		  (long long)c.copy);
}

int main(void)
{
	char *p, *src, *hole;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(8);
	src = t_map(2);
	memset(src, 0x3c, 2 * (size_t)t_page);
	/* Pages 0..3 registered, 4..7 an ordinary mapping right after. */
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);

	expect_enoent(fd, p + 5 * t_page, src, 1, __LINE__);	/* not registered */
	expect_enoent(fd, p + 3 * t_page, src, 2, __LINE__);	/* crosses VMA end */

	hole = t_hole();
	expect_enoent(fd, hole, src, 1, __LINE__);		/* unmapped */

	/* The unregistered page was not touched by the failed COPY... */
	CHECK_EQ(p[5 * t_page], 0);
	/* ...and the crossing COPY installed nothing in page 3. */
	CHECK_OK(t_copy_byte(fd, p + 3 * t_page, 0x21, 0));
	CHECK_EQ(p[3 * t_page], 0x21);
	close(fd);
	return 0;
}
