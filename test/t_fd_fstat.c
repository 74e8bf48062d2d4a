/* SPDX-License-Identifier: MIT */
/*
 * A uffd as fstat() sees it (spec 2.1): an anonymous inode of its own --
 * on the file system of every anonymous inode (an eventfd's device), mode
 * 0600 with no file type, one link, size 0, owned by its creator -- whose
 * times are those of its creation and do not move as messages come and
 * go.  A dup is the same inode, another uffd another one.  stat() of
 * /proc/self/fd/N, fstatat(AT_EMPTY_PATH) and statx() say the same; lstat()
 * of that link sees a symbolic link.
 */
#include "harness.h"
#include <sys/eventfd.h>
#include <sys/stat.h>

int main(void)
{
	struct stat st, ev, again, other, link;
	struct statx x;
	struct t_toucher t;
	struct uffd_msg m;
	char path[64], *p;
	int fd, efd, d, fd2;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	efd = eventfd(0, EFD_CLOEXEC);
	CHECK_OK(efd);
	CHECK_OK(fstat(efd, &ev));
	CHECK_OK(fstat(fd, &st));
	CHECK_HEX(st.st_mode, S_IRUSR | S_IWUSR);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_blocks, 0);
	CHECK_EQ(st.st_rdev, 0);
	CHECK_EQ(st.st_uid, geteuid());
	CHECK_EQ(st.st_gid, getegid());
	CHECK_HEX(st.st_dev, ev.st_dev);
	CHECK_EQ(st.st_blksize, ev.st_blksize);
	CHECK(st.st_ino != ev.st_ino);
	CHECK(st.st_atim.tv_sec == st.st_mtim.tv_sec && st.st_atim.tv_nsec == st.st_mtim.tv_nsec);
	CHECK(st.st_ctim.tv_sec == st.st_mtim.tv_sec && st.st_ctim.tv_nsec == st.st_mtim.tv_nsec);

	/* A fault queued, read and resolved: the times stay. */
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);
	t_msleep(20);		/* a clock tick or more between creation and now */
	t_touch_start(&t, p, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_OK(t_copy_byte(fd, p, 0x21, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_OK(fstat(fd, &again));
	CHECK_EQ(again.st_ino, st.st_ino);
	CHECK(again.st_mtim.tv_sec == st.st_mtim.tv_sec &&
	      again.st_mtim.tv_nsec == st.st_mtim.tv_nsec);
	CHECK(again.st_atim.tv_sec == st.st_atim.tv_sec &&
	      again.st_atim.tv_nsec == st.st_atim.tv_nsec);

	d = dup(fd);
	CHECK_OK(d);
	CHECK_OK(fstat(d, &again));
	CHECK_EQ(again.st_ino, st.st_ino);
	fd2 = t_open_api(O_CLOEXEC, 0);
	CHECK_OK(fstat(fd2, &other));
	CHECK(other.st_ino != st.st_ino);
	CHECK_HEX(other.st_mode, S_IRUSR | S_IWUSR);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK_OK(stat(path, &again));
	CHECK_EQ(again.st_ino, st.st_ino);
	CHECK_HEX(again.st_mode, S_IRUSR | S_IWUSR);
	CHECK_OK(fstatat(fd, "", &again, AT_EMPTY_PATH));
	CHECK_EQ(again.st_ino, st.st_ino);
	CHECK_HEX(again.st_mode, S_IRUSR | S_IWUSR);
	CHECK_OK(statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &x));
	CHECK_EQ(x.stx_ino, st.st_ino);
	CHECK_HEX(x.stx_mode, S_IRUSR | S_IWUSR);
	CHECK_EQ(x.stx_size, 0);
	CHECK_EQ(x.stx_mtime.tv_sec, st.st_mtim.tv_sec);
	CHECK_EQ(x.stx_mtime.tv_nsec, st.st_mtim.tv_nsec);
	CHECK_OK(statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &x));
	CHECK_EQ(x.stx_ino, st.st_ino);
	CHECK_OK(lstat(path, &link));
	CHECK(S_ISLNK(link.st_mode));

	close(fd2);
	close(d);
	close(efd);
	close(fd);
	return 0;
}
