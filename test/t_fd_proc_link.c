/* SPDX-License-Identifier: MIT */
/*
 * /proc/self/fd/N of a uffd (spec 2.1): readlink() reads
 * "anon_inode:[userfaultfd]" under each spelling of the path (and cut to
 * the buffer, without a NUL); a zero-length buffer is EINVAL; opening the
 * link fails with ENXIO (an anonymous inode cannot be reopened).
 */
#include "harness.h"
#include <sys/stat.h>

#define LINK "anon_inode:[userfaultfd]"

static void check_link(const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf));

	CHECK_MSG(n == (ssize_t)strlen(LINK) && !memcmp(buf, LINK, (size_t)n),
		  "readlink(%s) = %zd '%.*s'", path, n, n > 0 ? (int)n : 0, buf);
	n = readlinkat(AT_FDCWD, path, buf, sizeof(buf));
	CHECK_EQ(n, (ssize_t)strlen(LINK));
}

int main(void)
{
	char path[64], buf[8];
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	check_link(path);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	check_link(path);
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), fd);
	check_link(path);
	snprintf(path, sizeof(path), "/proc/thread-self/fd/%d", fd);
	check_link(path);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK_EQ(readlink(path, buf, 5), 5);
	CHECK(!memcmp(buf, "anon_", 5));
	CHECK_ERR(readlink(path, buf, 0), EINVAL);
	CHECK_ERR(open(path, O_RDONLY | O_CLOEXEC), ENXIO);
	CHECK(fopen(path, "r") == NULL);
	CHECK_EQ(errno, ENXIO);
	close(fd);
	return 0;
}
