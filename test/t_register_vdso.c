/* Registering the [vdso] mapping fails EINVAL (incompatible VMA). */
#include "harness.h"
#include <sys/auxv.h>

int main(void)
{
	struct uffdio_register reg;
	uintptr_t vdso;
	int fd;

	t_init(30);
	vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	if (!vdso)
		t_skip("no vdso");
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	reg = (struct uffdio_register){ { vdso, (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0x1234 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
	CHECK_HEX(reg.ioctls, 0x1234);
	/* The vdso still works. */
	CHECK(time(NULL) > 0);
	CHECK_EQ(*(volatile unsigned char *)vdso, 0x7f);	/* ELF magic */
	close(fd);
	return 0;
}
