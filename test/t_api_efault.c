/* UFFDIO_API with a NULL or unmapped argument fails EFAULT and changes nothing: the uffd stays gated and a later API succeeds. */
#include "harness.h"

int main(void)
{
	struct uffdio_api api = { UFFD_API, 0, 0 };
	void *gone;
	char buf[32];
	int fd;

	t_init(30);
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_API, NULL), EFAULT);
	gone = t_hole();
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_API, gone), EFAULT);
	/* A struct straddling into an unmapped page. */
	{
		char *two = t_map(2);
		struct uffdio_api *edge = (struct uffdio_api *)(two + t_page - 8);

		CHECK_OK(munmap(two + t_page, (size_t)t_page));
		edge->api = UFFD_API;
		CHECK_ERR(uffd_ioctl(fd, UFFDIO_API, edge), EFAULT);
	}
	CHECK_ERR(read(fd, buf, sizeof(buf)), EINVAL);	/* still gated */
	CHECK_OK(uffd_ioctl(fd, UFFDIO_API, &api));
	CHECK_HEX(api.api, UFFD_API);
	CHECK_HEX(api.ioctls, UFFD_API_IOCTLS_618);
	CHECK_ERR(read(fd, buf, sizeof(buf)), EAGAIN);
	close(fd);
	return 0;
}
