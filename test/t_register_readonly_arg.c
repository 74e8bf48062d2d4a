/* UFFDIO_REGISTER whose argument is read-only: the registration is done, then writing `ioctls` back fails -> EFAULT. */
#include "harness.h"

int main(void)
{
	struct uffdio_register *ro;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	ro = t_map(1);
	ro->range.start = (uintptr_t)p;
	ro->range.len = 2 * (uint64_t)t_page;
	ro->mode = UFFDIO_REGISTER_MODE_MISSING;
	ro->ioctls = 0x1234;
	CHECK_OK(mprotect(ro, (size_t)t_page, PROT_READ));
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, ro), EFAULT);
	CHECK_HEX(ro->ioctls, 0x1234);

	/* The range is registered nonetheless. */
	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x42, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x42);
	t_touch_join(&t);
	close(fd);
	return 0;
}
