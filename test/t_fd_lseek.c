/* SPDX-License-Identifier: MIT */
/*
 * lseek() of a uffd does nothing and returns 0 whatever the offset
 * (noop_llseek), after the VFS's check of whence (EINVAL past SEEK_HOLE);
 * pread() fails with ESPIPE (spec 2.1).
 */
#include "harness.h"

int main(void)
{
	char buf[64];
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(lseek(fd, 100, SEEK_CUR), 0);
	CHECK_EQ(lseek(fd, -1, SEEK_SET), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 0);
	CHECK_EQ(lseek(fd, 5, SEEK_DATA), 0);
	CHECK_ERR(lseek(fd, 0, 99), EINVAL);
	CHECK_ERR(lseek(fd, 0, -1), EINVAL);
	CHECK_ERR(pread(fd, buf, sizeof(buf), 0), ESPIPE);
	close(fd);
	return 0;
}
