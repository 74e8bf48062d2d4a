/* UFFDIO_API with an unknown (bit 63, 31, 17, 32) or unsupported feature bit fails EINVAL with the struct zeroed; the uffd stays uninitialized. */
#include "harness.h"

static void expect_einval(int fd, uint64_t features)
{
	struct uffdio_api api = { UFFD_API, features, 0x1234 };
	int r, e;

	errno = 0;
	r = uffd_ioctl(fd, UFFDIO_API, &api);
	e = errno;
	CHECK_MSG(r == -1 && e == EINVAL, "API(features %#llx) = %d %s, expected EINVAL",
		  (unsigned long long)features, r, t_errname(e));
	CHECK_HEX(api.api, 0);
	CHECK_HEX(api.features, 0);
	CHECK_HEX(api.ioctls, 0);
}

int main(void)
{
	struct uffdio_api api;
	uint64_t supported;
	int fd, bit;

	t_init(30);
	supported = t_features();
	fd = t_open(O_CLOEXEC);
	expect_einval(fd, 1ULL << 63);
	expect_einval(fd, 1ULL << 31);	/* the kernel-internal "initialized" bit */
	expect_einval(fd, 1ULL << 17);
	expect_einval(fd, 1ULL << 32);
	expect_einval(fd, UFFD_FEATURE_THREAD_ID | 1ULL << 63);
	/* Bits this engine does not support are refused the same way. */
	for (bit = 0; bit < 17; bit++)
		if (!(supported & (1ULL << bit)))
			expect_einval(fd, 1ULL << bit);

	api = (struct uffdio_api){ UFFD_API, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_HEX(api.features, supported);
	close(fd);
	return 0;
}
