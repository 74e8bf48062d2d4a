/*
 * shmem UFFDIO_ZEROPAGE over a poison marker (spec 7.5, 7.7): the kernel's
 * shmem install accepts a marker, so it succeeds and leaves an ordinary
 * zero-filled page -- no longer poisoned, also after a registration that
 * changes the mode: CONTINUE, ZEROPAGE and POISON then find the page
 * present (EEXIST) and it reads as zeros with no signal.  Found by
 * fuzz_ioctl (K24: the emulated engine kept the page's poison state; a
 * REGISTER made it a missing page again and CONTINUE succeeded).
 */
#include "events_util.h"

static void on_bus(int sig)
{
	(void)sig;
	_exit(3);
}

int main(void)
{
	struct uffdio_poison p;
	struct uffdio_zeropage z;
	struct uffdio_continue c;
	char *reg;
	int fd, mfd, i;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_MINOR_SHMEM |
		  UFFD_FEATURE_POISON);
	signal(SIGBUS, on_bus);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_POISON);
	mfd = shm_memfd("t_shmem_zeropage_over_poison", 2, 0);
	reg = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MISSING);

	p = (struct uffdio_poison){ { (uintptr_t)reg, (uint64_t)t_page }, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_POISON, &p));
	z = (struct uffdio_zeropage){ { (uintptr_t)reg, (uint64_t)t_page }, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z));
	CHECK_EQ(z.zeropage, t_page);
	CHECK_EQ(reg[10], 0);

	for (i = 0; i < 2; i++) {
		if (i)	/* a mode change re-decides every page's state */
			t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MISSING |
						       UFFDIO_REGISTER_MODE_MINOR);
		c = (struct uffdio_continue){ { (uintptr_t)reg, (uint64_t)t_page }, 0, 0 };
		CHECK_ERR(uffd_ioctl(fd, UFFDIO_CONTINUE, &c), EEXIST);
		CHECK_EQ(c.mapped, -EEXIST);
		z = (struct uffdio_zeropage){ { (uintptr_t)reg, (uint64_t)t_page }, 0, 0 };
		CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EEXIST);
		p = (struct uffdio_poison){ { (uintptr_t)reg, (uint64_t)t_page }, 0, 0 };
		CHECK_ERR(uffd_ioctl(fd, UFFDIO_POISON, &p), EEXIST);
		CHECK_EQ(reg[100], 0);
	}
	reg[200] = 7;
	CHECK_EQ(reg[200], 7);
	close(fd);
	return 0;
}
