/* An ioctl with the right nr but wrong size or direction (e.g. _IOWR(0xAA,0x3F,char[16])) is EINVAL, before and after the handshake. */
#include "harness.h"

int main(void)
{
	struct uffdio_api api = { UFFD_API, 0, 0x1234 };
	struct uffdio_register reg;
	struct t_toucher t;
	char buf[64];
	char *p;
	int fd;

	t_init(30);
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	CHECK_ERR(uffd_ioctl(fd, _IOWR(UFFDIO, _UFFDIO_API, char[16]), &api), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, _IOR(UFFDIO, _UFFDIO_API, struct uffdio_api), &api), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, _IOW(UFFDIO, _UFFDIO_API, struct uffdio_api), &api), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, _IO(UFFDIO, _UFFDIO_API), &api), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, _IOWR(UFFDIO, _UFFDIO_API, char[32]), &api), EINVAL);
	/* None of them performed the handshake. */
	CHECK_ERR(read(fd, buf, 32), EINVAL);
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_HEX(api.ioctls, UFFD_API_IOCTLS_618);

	/* After it: a mis-sized REGISTER is refused and registers nothing. */
	p = t_map(1);
	reg = (struct uffdio_register){ { (uintptr_t)p, (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0x1234 };
	CHECK_ERR(uffd_ioctl(fd, _IOWR(UFFDIO, _UFFDIO_REGISTER, char[16]), &reg), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, _IOR(UFFDIO, _UFFDIO_REGISTER, struct uffdio_register), &reg), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, _IOWR(UFFDIO, _UFFDIO_API, char[16]), &api), EINVAL);
	CHECK_HEX(reg.ioctls, 0x1234);
	t_touch_start(&t, p, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	CHECK_ERR(read(fd, buf, 32), EAGAIN);
	close(fd);
	return 0;
}
