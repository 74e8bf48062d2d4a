/* Before UFFDIO_API every other uffd ioctl, known or unknown, fails with EINVAL and writes nothing. */
#include "harness.h"

int main(void)
{
	struct uffdio_register reg;
	struct uffdio_range rng;
	struct uffdio_copy cp;
	struct uffdio_zeropage zp;
	struct uffdio_writeprotect wp;
	struct uffdio_continue cont;
	struct uffdio_poison poi;
	struct uffdio_move mv;
	struct uffdio_api api = { .api = UFFD_API };
	char buf[64];
	char *p, *src;
	int fd;

	t_init(30);
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	p = t_map(2);
	src = t_map(1);

	reg = (struct uffdio_register){ { (uintptr_t)p, (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0x1234 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
	CHECK_HEX(reg.ioctls, 0x1234);

	rng = (struct uffdio_range){ (uintptr_t)p, (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, &rng), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WAKE, &rng), EINVAL);

	cp = (struct uffdio_copy){ (uintptr_t)p, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &cp), EINVAL);
	CHECK_EQ(cp.copy, 0x7777);

	zp = (struct uffdio_zeropage){ { (uintptr_t)p, (uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &zp), EINVAL);
	CHECK_EQ(zp.zeropage, 0x7777);

	wp = (struct uffdio_writeprotect){ { (uintptr_t)p, (uint64_t)t_page }, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp), EINVAL);
	cont = (struct uffdio_continue){ { (uintptr_t)p, (uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_CONTINUE, &cont), EINVAL);
	CHECK_EQ(cont.mapped, 0x7777);
	poi = (struct uffdio_poison){ { (uintptr_t)p, (uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_POISON, &poi), EINVAL);
	CHECK_EQ(poi.updated, 0x7777);
	mv = (struct uffdio_move){ (uintptr_t)p, (uintptr_t)src, (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_MOVE, &mv), EINVAL);
	CHECK_EQ(mv.move, 0x7777);

	/* Unknown commands are EINVAL too (the gate precedes the dispatch). */
	memset(buf, 0, sizeof(buf));
	CHECK_ERR(uffd_ioctl(fd, _IO(UFFDIO, 0x09), buf), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, _IOWR(UFFDIO, 0x09, struct uffdio_range), buf), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, USERFAULTFD_IOC_NEW, buf), EINVAL);
	CHECK_ERR(uffd_ioctl(fd, 0x1234, buf), EINVAL);

	/* None of that initialized the uffd or registered anything. */
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_HEX(api.ioctls, UFFD_API_IOCTLS_618);
	CHECK_EQ(t_drain(fd, (struct uffd_msg *)buf, 2), 0);
	CHECK_EQ(p[0], 0);	/* not registered: plain zero-fill */
	close(fd);
	return 0;
}
