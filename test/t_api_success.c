/* Successful UFFDIO_API writes back api 0xAA, ALL supported features (not the requested subset) and ioctls 0x8000000000000003. */
#include "harness.h"

static struct uffdio_api handshake(uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features,
				  .ioctls = 0x5555 };
	int fd = t_open(O_CLOEXEC);

	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	close(fd);
	return api;
}

int main(void)
{
	const uint64_t want = UFFD_FEATURE_SIGBUS | UFFD_FEATURE_THREAD_ID |
			      UFFD_FEATURE_EXACT_ADDRESS;
	struct uffdio_api a, b, c;

	t_init(30);
	a = handshake(0);
	CHECK_HEX(a.api, UFFD_API);
	CHECK_HEX(a.ioctls, 0x8000000000000003ULL);
	CHECK_HEX(a.features & ~UFFD_ALL_FEATURES, 0);
	/* Every engine supports these three. */
	CHECK_HEX(a.features & want, want);

	/* Requesting a subset reports the full supported set. */
	b = handshake(UFFD_FEATURE_THREAD_ID);
	CHECK_HEX(b.api, UFFD_API);
	CHECK_HEX(b.features, a.features);
	CHECK_HEX(b.ioctls, 0x8000000000000003ULL);
	b = handshake(want);
	CHECK_HEX(b.features, a.features);

	/* Requesting everything that is supported succeeds. */
	c = handshake(a.features);
	CHECK_HEX(c.api, UFFD_API);
	CHECK_HEX(c.features, a.features);
	CHECK_HEX(c.ioctls, 0x8000000000000003ULL);
	return 0;
}
