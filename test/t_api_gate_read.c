/* Before UFFDIO_API read() of any size, including 0, fails with EINVAL (and never blocks). */
#include "harness.h"

int main(void)
{
	static const size_t sizes[] = { 0, 1, 31, 32, 33, 64, 4096 };
	struct uffdio_api api = { .api = UFFD_API };
	char buf[4096];
	int nb, bl;
	size_t i;

	t_init(30);
	nb = t_open(O_CLOEXEC | O_NONBLOCK);
	bl = t_open(O_CLOEXEC);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		CHECK_ERR(read(nb, buf, sizes[i]), EINVAL);
		CHECK_ERR(read(bl, buf, sizes[i]), EINVAL);
	}
	/* After the handshake the same read is EAGAIN (non-blocking, nothing queued). */
	CHECK_OK(uffd_ioctl(nb, UFFDIO_API, &api));
	CHECK_ERR(read(nb, buf, 32), EAGAIN);
	close(nb);
	close(bl);
	return 0;
}
