/*
 * UFFDIO_COPY over a poisoned page (spec 7.4, 7.7): succeeds (0/4096), the
 * data is readable and writable with no signal; ZEROPAGE over a poisoned
 * page is EEXIST/-17 (strict none check).
 */
#include "harness.h"

static volatile int nsig;

static void on_bus(int sig)
{
	(void)sig;
	nsig++;
	_exit(3);
}

int main(void)
{
	struct uffdio_poison po;
	struct uffdio_zeropage z;
	struct uffdio_copy c;
	char *p, *src;
	int fd;

	t_init(30);
	signal(SIGBUS, on_bus);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	src = t_map(1);
	memset(src, 0x4d, (size_t)t_page);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	po = (struct uffdio_poison){ { (uintptr_t)p, 2 * (uint64_t)t_page }, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &po));

	z = (struct uffdio_zeropage){ { (uintptr_t)p + t_page, (uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EEXIST);
	CHECK_EQ(z.zeropage, -EEXIST);

	c = (struct uffdio_copy){ .dst = (uintptr_t)p, .src = (uintptr_t)src,
				  .len = (uint64_t)t_page, .copy = 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	c.dst = (uintptr_t)p + t_page;
	c.copy = 0x7777;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);

	CHECK_EQ(p[0], 0x4d);
	CHECK_EQ(p[2 * t_page - 1], 0x4d);
	p[5] = 0x4e;
	CHECK_EQ(p[5], 0x4e);
	CHECK_EQ(nsig, 0);
	close(fd);
	return 0;
}
