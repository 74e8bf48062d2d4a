/* REGISTER of a shared mapping without VM_MAYWRITE (memfd with F_SEAL_WRITE) fails EPERM. */
#include "harness.h"

int main(void)
{
	struct uffdio_register reg;
	char *p;
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	mfd = memfd_create("t_register_eperm", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	CHECK(mfd >= 0);
	CHECK_OK(ftruncate(mfd, 2 * t_page));
	CHECK_OK(fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE));
	p = mmap(NULL, 2 * (size_t)t_page, PROT_READ, MAP_SHARED, mfd, 0);
	CHECK(p != MAP_FAILED);
	reg = (struct uffdio_register){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0x1234 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EPERM);
	CHECK_HEX(reg.ioctls, 0x1234);
	/* Mode validation comes first. */
	reg.mode = 0;
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
	close(fd);
	close(mfd);
	return 0;
}
