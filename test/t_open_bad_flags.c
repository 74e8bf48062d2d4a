/* uffd_open() rejects any flag bit outside O_CLOEXEC|O_NONBLOCK|UFFD_USER_MODE_ONLY with EINVAL. */
#include "harness.h"

int main(void)
{
	static const int bad[] = {
		2, 4, 0x80, 0x40000000, (int)0x80000000u, -1,
		O_CLOEXEC | 2, O_NONBLOCK | 0x80, UFFD_USER_MODE_ONLY | 4,
	};
	size_t i;

	t_init(30);
	close(t_open(O_CLOEXEC));	/* skip if the engine is unavailable */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd, e;

		errno = 0;
		fd = uffd_open(bad[i]);
		e = errno;
		if (fd >= 0)
			close(fd);
		CHECK_MSG(fd == -1 && e == EINVAL,
			  "uffd_open(%#x) = %d errno %s, expected -1 EINVAL",
			  (unsigned)bad[i], fd, t_errname(e));
	}
	return 0;
}
