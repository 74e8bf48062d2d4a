/* UFFDIO_API whose (valid) argument is read-only fails EFAULT on write-back without initializing the uffd; a retry succeeds. */
#include "harness.h"

int main(void)
{
	struct uffdio_api *ro, api = { UFFD_API, 0, 0 };
	char buf[32];
	int fd;

	t_init(30);
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	ro = t_map(1);
	ro->api = UFFD_API;
	ro->features = UFFD_FEATURE_THREAD_ID;
	ro->ioctls = 0x1234;
	CHECK_OK(mprotect(ro, (size_t)t_page, PROT_READ));
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_API, ro), EFAULT);
	CHECK_HEX(ro->ioctls, 0x1234);
	CHECK_ERR(read(fd, buf, sizeof(buf)), EINVAL);	/* still gated */
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_HEX(api.api, UFFD_API);
	CHECK_ERR(read(fd, buf, sizeof(buf)), EAGAIN);
	close(fd);
	return 0;
}
