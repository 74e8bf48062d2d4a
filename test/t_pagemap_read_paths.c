/* SPDX-License-Identifier: MIT */
/*
 * Every way of reading this process's pagemap shows bit 57 the same:
 * read() at the file position, pread(), readv(), preadv(), preadv2(), a
 * dup()ed or dup2()ed descriptor, /proc/PID/pagemap with this process's
 * PID, /proc/thread-self/pagemap and openat() relative to /proc/self; a
 * read of many entries spanning registered and unregistered pages changes
 * only the protected page's entry; partial entries are refused (EINVAL) by
 * the kernel before anything is read.
 */
#include "pagemap_util.h"

#define N 8

static char *p;

static off_t off_of(const void *a)
{
	return (off_t)((uintptr_t)a / (uintptr_t)t_page * 8);
}

/* The entries of p[0..N) as one read says; page 2 must be the only one with bit 57. */
static void check_entries(const uint64_t *e, const char *how)
{
	int i;

	for (i = 0; i < N; i++)
		CHECK_MSG(!!(e[i] & UFFD_PM_UFFD_WP) == (i == 2) && !(e[i] & UFFD_PM_GUARD),
			  "%s: entry %d is %#llx", how, i, (unsigned long long)e[i]);
	CHECK_MSG(e[2] & UFFD_PM_PRESENT, "%s: entry 2 is %#llx", how, (unsigned long long)e[2]);
}

static void read_all(int pm, const char *how)
{
	uint64_t e[N];
	struct iovec iov[2] = { { e, 3 * 8 }, { e + 3, (N - 3) * 8 } };

	memset(e, 0, sizeof(e));
	CHECK_EQ(pread(pm, e, sizeof(e), off_of(p)), sizeof(e));
	check_entries(e, how);

	memset(e, 0, sizeof(e));
	CHECK_EQ(lseek(pm, off_of(p), SEEK_SET), off_of(p));
	CHECK_EQ(read(pm, e, sizeof(e)), sizeof(e));
	check_entries(e, how);
	CHECK_EQ(lseek(pm, 0, SEEK_CUR), off_of(p) + (off_t)sizeof(e));

	memset(e, 0, sizeof(e));
	CHECK_EQ(lseek(pm, off_of(p), SEEK_SET), off_of(p));
	CHECK_EQ(readv(pm, iov, 2), sizeof(e));
	check_entries(e, how);

	memset(e, 0, sizeof(e));
	CHECK_EQ(preadv(pm, iov, 2, off_of(p)), sizeof(e));
	check_entries(e, how);

	memset(e, 0, sizeof(e));
	CHECK_EQ(preadv2(pm, iov, 2, off_of(p), 0), sizeof(e));
	check_entries(e, how);

	memset(e, 0, sizeof(e));
	CHECK_EQ(lseek(pm, off_of(p), SEEK_SET), off_of(p));
	CHECK_EQ(preadv2(pm, iov, 2, -1, 0), sizeof(e));
	check_entries(e, how);
}

int main(void)
{
	char path[64];
	uint64_t e[2];
	int fd, pm, pm2, dir;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(N);
	memset(p, 1, N * (size_t)t_page);
	t_register(fd, p + t_page, 4, UFFDIO_REGISTER_MODE_WP);
	pm_wp(fd, p + 2 * t_page, 1, 1);

	pm = pm_open();
	read_all(pm, "/proc/self/pagemap");
	pm2 = dup(pm);
	CHECK(pm2 >= 0);
	close(pm);
	read_all(pm2, "dup()");
	CHECK_EQ(dup2(pm2, 100), 100);
	read_all(100, "dup2()");
	close(100);
	close(pm2);

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)getpid());
	pm = open(path, O_RDONLY);
	CHECK(pm >= 0);
	read_all(pm, path);
	close(pm);
	pm = open("/proc/thread-self/pagemap", O_RDONLY);
	CHECK(pm >= 0);
	read_all(pm, "/proc/thread-self/pagemap");
	close(pm);
	dir = open("/proc/self", O_RDONLY | O_DIRECTORY);
	CHECK(dir >= 0);
	pm = openat(dir, "pagemap", O_RDONLY);
	CHECK(pm >= 0);
	read_all(pm, "openat(/proc/self, \"pagemap\")");

	/* Partial entries: the kernel's EINVAL, nothing read. */
	CHECK_ERR(pread(pm, e, 12, off_of(p + 2 * t_page)), EINVAL);
	CHECK_ERR(pread(pm, e, 8, off_of(p + 2 * t_page) + 4), EINVAL);
	close(pm);
	close(dir);

	/* Un-protected: no entry has the bit. */
	pm_wp(fd, p + 2 * t_page, 1, 0);
	pm = pm_open();
	CHECK_EQ(pread(pm, e, 8, off_of(p + 2 * t_page)), 8);
	CHECK_HEX(e[0] & UFFD_PM_UFFD_WP, 0);
	close(pm);
	close(fd);
	return 0;
}
