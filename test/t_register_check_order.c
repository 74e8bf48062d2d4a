/*
 * REGISTER check order: argument validation (mode, range) beats EBUSY; across
 * VMAs the first failing VMA in address order decides (EBUSY vs EINVAL for a
 * regular-file VMA).  Nothing is modified on failure.
 */
#include "harness.h"
#include <sys/vfs.h>

#define TMPFS_MAGIC_ 0x01021994
#define HUGETLBFS_MAGIC_ 0x958458f6

/* An unlinked regular file on a disk filesystem (not tmpfs), @npages long. */
static int disk_file(size_t npages)
{
	static const char *dirs[] = { ".", "/var/tmp", "/tmp" };
	size_t i;

	for (i = 0; i < 3; i++) {
		struct statfs sf;
		char path[256];
		int fd;

		if (statfs(dirs[i], &sf) || sf.f_type == TMPFS_MAGIC_ ||
		    sf.f_type == (typeof(sf.f_type))HUGETLBFS_MAGIC_)
			continue;
		snprintf(path, sizeof(path), "%s/t_uffd_fileXXXXXX", dirs[i]);
		fd = mkstemp(path);
		if (fd < 0)
			continue;
		unlink(path);
		if (ftruncate(fd, (off_t)(npages * (size_t)t_page)))
			t_fail(__FILE__, __LINE__, "ftruncate: %s", t_errname(errno));
		return fd;
	}
	t_skip("no disk-backed directory for a regular file");
}

static int reg(int fd, void *start, size_t npages, uint64_t mode)
{
	struct uffdio_register r = { { (uintptr_t)start, npages * (uint64_t)t_page }, mode, 0x1234 };
	int ret = uffd_ioctl(fd, UFFDIO_REGISTER, &r);

	if (ret)
		CHECK_HEX(r.ioctls, 0x1234);
	return ret;
}

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p, *q;
	int a, b, f;

	t_init(30);
	a = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	b = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	f = disk_file(2);

	/* p: [anon owned by b][anon owned by b][file][file] */
	p = t_map(4);
	CHECK(mmap(p + 2 * t_page, 2 * (size_t)t_page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_FIXED, f, 0) == p + 2 * t_page);
	CHECK_HEX(t_register(b, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	/* q: [file][file][anon owned by b][anon owned by b] */
	q = t_map(4);
	CHECK(mmap(q, 2 * (size_t)t_page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_FIXED, f, 0) == q);
	CHECK_HEX(t_register(b, q + 2 * t_page, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);

	/* Mode and range validation come before the ownership check. */
	CHECK_ERR(reg(a, p, 2, 0), EINVAL);
	CHECK_ERR(reg(a, p, 2, 8), EINVAL);
	CHECK_ERR(uffd_ioctl(a, UFFDIO_REGISTER, &(struct uffdio_register){
		{ (uintptr_t)p, (uint64_t)t_page + 1 }, UFFDIO_REGISTER_MODE_MISSING, 0 }), EINVAL);
	/* First VMA in address order wins. */
	CHECK_ERR(reg(a, p, 4, UFFDIO_REGISTER_MODE_MISSING), EBUSY);
	CHECK_ERR(reg(a, q, 4, UFFDIO_REGISTER_MODE_MISSING), EINVAL);
	/* Same uffd: the file VMA is refused even though b owns the anon part. */
	CHECK_ERR(reg(b, p, 4, UFFDIO_REGISTER_MODE_MISSING), EINVAL);
	CHECK_ERR(reg(b, q, 4, UFFDIO_REGISTER_MODE_MISSING), EINVAL);

	/* Nothing changed: b still gets faults on its pages, the file reads normally. */
	CHECK_EQ(p[2 * t_page], 0);
	CHECK_EQ(q[t_page], 0);
	t_touch_start(&t, p + t_page, 0, 0);
	CHECK(t_read_msg(b, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK_EQ(t_drain(a, &m, 1), 0);
	CHECK_OK(t_copy_byte(b, p + t_page, 0x33, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x33);
	t_touch_join(&t);
	close(a);
	close(b);
	close(f);
	return 0;
}
