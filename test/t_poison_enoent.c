/*
 * UFFDIO_POISON outside registered memory (spec 7.3, 7.7): an unregistered
 * mapped range, an unmapped range and a range crossing the end of the
 * registered VMA fail with ENOENT and updated == -2; nothing is poisoned
 * (the unregistered page is ordinary memory, the registered page of the
 * crossing range is still missing).
 */
#include "harness.h"

static int fd;

static void enoent(void *a, size_t npages)
{
	struct uffdio_poison po = { { (uintptr_t)a, npages * (uint64_t)t_page }, 0, 0x7777 };

	CHECK_ERR(uffd_ioctl(fd, UFFDIO_POISON, &po), ENOENT);
	CHECK_EQ(po.updated, -ENOENT);
}

int main(void)
{
	char *p, *hole;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	hole = t_hole();

	enoent(p + 2 * t_page, 1);
	enoent(hole, 1);
	enoent(p + t_page, 2);
	p[2 * t_page] = 5;
	CHECK_EQ(p[2 * t_page], 5);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x12, 0));
	CHECK_EQ(p[t_page], 0x12);
	close(fd);
	return 0;
}
