/* UFFDIO_API with api != 0xAA fails EINVAL, zeroes all 24 bytes, and leaves the uffd uninitialized. */
#include "harness.h"

int main(void)
{
	static const uint64_t bad[] = { 0xAB, 0, 0xA9, 0x1AA, 0xAAULL << 32, ~0ULL };
	struct uffdio_register reg;
	struct uffdio_api api;
	char *p;
	size_t i;
	int fd;

	t_init(30);
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		api = (struct uffdio_api){ bad[i], UFFD_FEATURE_THREAD_ID, 0x1234 };
		CHECK_ERR(uffd_ioctl(fd, UFFDIO_API, &api), EINVAL);
		CHECK_HEX(api.api, 0);
		CHECK_HEX(api.features, 0);
		CHECK_HEX(api.ioctls, 0);
	}
	/* Still gated. */
	p = t_map(1);
	reg = (struct uffdio_register){ { (uintptr_t)p, (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EINVAL);
	/* A correct handshake still succeeds. */
	api = (struct uffdio_api){ UFFD_API, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_HEX(api.api, UFFD_API);
	CHECK_OK(uffd_ioctl(fd, UFFDIO_REGISTER, &reg));
	CHECK_HEX(reg.ioctls, 0x13c);
	close(fd);
	return 0;
}
