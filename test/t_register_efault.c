/* UFFDIO_REGISTER with a NULL, unmapped or truncated argument fails EFAULT. */
#include "harness.h"

int main(void)
{
	struct uffdio_register *edge;
	char *gone, *two;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, NULL), EFAULT);
	gone = t_hole();
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, gone), EFAULT);
	/* The 24 input bytes straddle into an unmapped page. */
	two = t_map(2);
	CHECK_OK(munmap(two + t_page, (size_t)t_page));
	edge = (struct uffdio_register *)(two + t_page - 16);
	edge->range.start = (uintptr_t)two;
	edge->range.len = (uint64_t)t_page;
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, edge), EFAULT);
	close(fd);
	return 0;
}
