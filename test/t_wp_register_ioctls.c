/*
 * REGISTER_MODE_WP alone and MISSING|WP on private anonymous memory
 * (spec 4.4): both succeed and write back ioctls 0x17c (WAKE, COPY,
 * ZEROPAGE, MOVE, WRITEPROTECT, POISON; no CONTINUE), the input fields are
 * left alone; UFFDIO_WRITEPROTECT then works on both ranges.
 */
#include "harness.h"

static void one(int fd, char *p, uint64_t mode)
{
	struct uffdio_register reg = {
		.range = { (uintptr_t)p, 2 * (uint64_t)t_page }, .mode = mode,
		.ioctls = 0x5a5a,
	};
	struct uffdio_writeprotect wp = {
		{ (uintptr_t)p, 2 * (uint64_t)t_page }, UFFDIO_WRITEPROTECT_MODE_WP,
	};

	CHECK_OK(uffd_ioctl(fd, UFFDIO_REGISTER, &reg));
	CHECK_HEX(reg.ioctls, 0x17c);
	CHECK_HEX(reg.ioctls, (1ULL << _UFFDIO_WAKE) | (1ULL << _UFFDIO_COPY) |
		  (1ULL << _UFFDIO_ZEROPAGE) | (1ULL << _UFFDIO_MOVE) |
		  (1ULL << _UFFDIO_WRITEPROTECT) | (1ULL << _UFFDIO_POISON));
	CHECK_HEX(reg.range.start, (uintptr_t)p);
	CHECK_HEX(reg.range.len, 2 * (uint64_t)t_page);
	CHECK_HEX(reg.mode, mode);
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	wp.mode = 0;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
}

int main(void)
{
	char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(5);
	memset(p, 1, 5 * (size_t)t_page);
	one(fd, p, UFFDIO_REGISTER_MODE_WP);
	one(fd, p + 3 * t_page, UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP);
	close(fd);
	return 0;
}
