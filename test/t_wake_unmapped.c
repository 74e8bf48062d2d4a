/* UFFDIO_WAKE does not look at mappings: an unmapped, an unregistered or a low range returns 0. */
#include "harness.h"

int main(void)
{
	char *p, *q;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	q = t_map(2);
	CHECK_OK(munmap(q, 2 * (size_t)t_page));
	CHECK_EQ(t_wake(fd, q, 2 * (size_t)t_page), 0);		/* unmapped */
	CHECK_EQ(t_wake(fd, p, 2 * (size_t)t_page), 0);		/* mapped, unregistered */
	CHECK_EQ(t_wake(fd, NULL, (size_t)t_page), 0);		/* address 0 */
	CHECK_EQ(t_wake(fd, (void *)(uintptr_t)0x1000, 0x10000), 0);
	/* The largest valid range. */
	CHECK_EQ(t_wake(fd, (void *)(uintptr_t)t_page, 0x7ffffffff000ULL - (uint64_t)t_page), 0);
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_EQ(t_wake(fd, p, 2 * (size_t)t_page), 0);		/* registered, nobody waiting */
	close(fd);
	return 0;
}
