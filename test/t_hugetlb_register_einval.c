/*
 * REGISTER on hugetlb (spec 4.1 steps 6-7, 4.4), on a private MAP_HUGETLB
 * mapping of two 2 MiB pages: a start not 2 MiB-aligned -> EINVAL, a
 * length of 4 KiB or of 2 MiB + 4 KiB -> EINVAL (ioctls untouched each
 * time); the aligned range registers MISSING with ioctls 0x10c (no
 * ZEROPAGE, no MOVE, no POISON... only WAKE, COPY), MINOR 0x18c and all
 * three modes 0x1cc.  UNREGISTER with a start not 2 MiB-aligned -> EINVAL.
 * Sets up its own hugetlb pool (vm.nr_hugepages, restored afterwards).
 */
#include "events_util.h"

int main(void)
{
	struct uffdio_register reg;
	struct uffdio_range r;
	char *p;
	int fd;

	t_init(60);
	hp_setup(4, 60);
	t_require(UFFD_FEATURE_MISSING_HUGETLBFS | UFFD_FEATURE_MINOR_HUGETLBFS);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = mmap(NULL, 2 * HP_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	CHECK_MSG(p != MAP_FAILED, "mmap(MAP_HUGETLB): %s", t_errname(errno));
	CHECK_EQ((uintptr_t)p % HP_SIZE, 0);

	reg = (struct uffdio_register){ { (uintptr_t)p + (uintptr_t)t_page, HP_SIZE },
					UFFDIO_REGISTER_MODE_MISSING, 0x1234 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
	CHECK_HEX(reg.ioctls, 0x1234);
	reg.range = (struct uffdio_range){ (uintptr_t)p, (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
	reg.range = (struct uffdio_range){ (uintptr_t)p, HP_SIZE + (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
	CHECK_HEX(reg.ioctls, 0x1234);

	reg.range = (struct uffdio_range){ (uintptr_t)p, 2 * HP_SIZE };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_REGISTER, &reg));
	CHECK_HEX(reg.ioctls, 0x10c);
	reg.mode = UFFDIO_REGISTER_MODE_MINOR;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_REGISTER, &reg));
	CHECK_HEX(reg.ioctls, 0x18c);
	reg.mode = UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP |
		   UFFDIO_REGISTER_MODE_MINOR;
	CHECK_OK(uffd_ioctl(fd, UFFDIO_REGISTER, &reg));
	CHECK_HEX(reg.ioctls, 0x1cc);

	r = (struct uffdio_range){ (uintptr_t)p + (uintptr_t)t_page, HP_SIZE };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, &r), EINVAL);
	r = (struct uffdio_range){ (uintptr_t)p, 2 * HP_SIZE };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_UNREGISTER, &r));
	close(fd);
	return 0;
}
