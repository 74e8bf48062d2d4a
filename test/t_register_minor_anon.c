/* MINOR mode (alone or with MISSING) on private anonymous memory is EINVAL; `ioctls` untouched. */
#include "harness.h"

int main(void)
{
	static const uint64_t modes[] = {
		UFFDIO_REGISTER_MODE_MINOR,
		UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_MINOR,
	};
	struct uffdio_register reg;
	struct t_toucher t;
	size_t i;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	for (i = 0; i < 2; i++) {
		reg = (struct uffdio_register){ { (uintptr_t)p, (uint64_t)t_page }, modes[i], 0x1234 };
		CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
		CHECK_HEX(reg.ioctls, 0x1234);
	}
	/* MISSING|MINOR did not half-register MISSING. */
	t_touch_start(&t, p, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	return 0;
}
