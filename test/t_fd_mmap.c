/* mmap() of a uffd fails ENODEV. */
#include "harness.h"

int main(void)
{
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	CHECK(mmap(NULL, (size_t)t_page, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED);
	CHECK_EQ(errno, ENODEV);
	CHECK(mmap(NULL, (size_t)t_page, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED);
	CHECK_EQ(errno, ENODEV);
	close(fd);
	return 0;
}
