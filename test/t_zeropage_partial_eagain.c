/*
 * UFFDIO_ZEROPAGE of 2 pages whose 2nd page is present (spec 7.1, 7.5):
 * -1/EAGAIN with zeropage == 4096; the 1st page now reads 0 with no fault
 * and the 2nd keeps its contents.
 */
#include "harness.h"

int main(void)
{
	struct uffdio_zeropage z;
	struct uffd_msg m;
	volatile char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(3);
	t_register(fd, (void *)p, 3, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, (char *)p + 2 * t_page, 0x66, 0));

	z = (struct uffdio_zeropage){
		.range = { (uintptr_t)p + (uintptr_t)t_page, 2 * (uint64_t)t_page },
		.zeropage = 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EAGAIN);
	CHECK_EQ(z.zeropage, t_page);
	CHECK_EQ(p[t_page], 0);
	CHECK_EQ(p[2 * t_page - 1], 0);
	CHECK_EQ(p[2 * t_page], 0x66);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
