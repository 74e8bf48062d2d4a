/* UFFDIO_REGISTER with mode 0 or unknown mode bits fails EINVAL, leaves `ioctls` untouched and registers nothing. */
#include "harness.h"

int main(void)
{
	static const uint64_t bad[] = {
		0, 8, 1 | 8, 1ULL << 63, 1 | (1ULL << 63), 0x10, ~0ULL,
	};
	struct uffdio_register reg;
	struct t_toucher t;
	struct uffd_msg m;
	size_t i;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r, e;

		reg = (struct uffdio_register){ { (uintptr_t)p, (uint64_t)t_page }, bad[i], 0x1234 };
		errno = 0;
		r = uffd_ioctl(fd, UFFDIO_REGISTER, &reg);
		e = errno;
		CHECK_MSG(r == -1 && e == EINVAL, "REGISTER mode %#llx = %d %s, expected EINVAL",
			  (unsigned long long)bad[i], r, t_errname(e));
		CHECK_HEX(reg.ioctls, 0x1234);
	}
	/* Nothing was registered: the page zero-fills without a message. */
	t_touch_start(&t, p, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
