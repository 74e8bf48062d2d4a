/*
 * UFFDIO_POISON refuses any page that is not empty (spec 7.7): a present
 * page (filled by COPY), a zero page (ZEROPAGE) and an already poisoned
 * page all fail with EEXIST and updated == -17; the present page keeps its
 * data.
 */
#include "harness.h"

static int fd;

static void eexist(char *a)
{
	struct uffdio_poison po = { { (uintptr_t)a, (uint64_t)t_page }, 0, 0x7777 };

	CHECK_ERR(uffd_ioctl(fd, UFFDIO_POISON, &po), EEXIST);
	CHECK_EQ(po.updated, -EEXIST);
}

int main(void)
{
	struct uffdio_poison po;
	char *p;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	t_register(fd, p, 3, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, p, 0x61, 0));
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	po = (struct uffdio_poison){ { (uintptr_t)p + 2 * t_page, (uint64_t)t_page }, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &po));
	CHECK_EQ(po.updated, t_page);

	eexist(p);
	eexist(p + t_page);
	eexist(p + 2 * t_page);
	CHECK_EQ(p[0], 0x61);
	CHECK_EQ(p[t_page - 1], 0x61);
	CHECK_EQ(p[t_page], 0);
	close(fd);
	return 0;
}
