/* MISSING registration of private anonymous memory reports ioctls 0x13c (WAKE|COPY|ZEROPAGE|MOVE|POISON). */
#include "harness.h"

int main(void)
{
	struct uffdio_register reg;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(8);
	reg = (struct uffdio_register){ { (uintptr_t)p, 8 * (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_REGISTER, &reg));
	CHECK_HEX(reg.ioctls, 0x13c);
	CHECK_HEX(reg.ioctls, (1ULL << _UFFDIO_WAKE) | (1ULL << _UFFDIO_COPY) |
		  (1ULL << _UFFDIO_ZEROPAGE) | (1ULL << _UFFDIO_MOVE) | (1ULL << _UFFDIO_POISON));
	/* The input fields are not modified. */
	CHECK_HEX(reg.range.start, (uintptr_t)p);
	CHECK_HEX(reg.range.len, 8 * (uint64_t)t_page);
	CHECK_HEX(reg.mode, UFFDIO_REGISTER_MODE_MISSING);
	/* A single page in the middle gets the same answer. */
	reg = (struct uffdio_register){ { (uintptr_t)p + 3 * t_page, (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0xffff };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_REGISTER, &reg));
	CHECK_HEX(reg.ioctls, 0x13c);
	close(fd);
	return 0;
}
