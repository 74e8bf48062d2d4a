/* UNREGISTER of a range touching a regular-file mapping fails EINVAL (incompatible VMA) and leaves the anon registration intact. */
#include "harness.h"
#include <sys/vfs.h>

#define TMPFS_MAGIC_ 0x01021994
#define HUGETLBFS_MAGIC_ 0x958458f6

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

int main(void)
{
	struct uffdio_range r;
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd, f;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	f = disk_file(1);
	/* [anon registered][file] */
	p = t_map(2);
	CHECK(mmap(p + t_page, (size_t)t_page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_FIXED, f, 0) == p + t_page);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	r = (struct uffdio_range){ (uintptr_t)p, 2 * (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, &r), EINVAL);
	r = (struct uffdio_range){ (uintptr_t)p + t_page, (uint64_t)t_page };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_UNREGISTER, &r), EINVAL);

	t_touch_start(&t, p, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p);
	CHECK_OK(t_copy_byte(fd, p, 0x46, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x46);
	t_touch_join(&t);
	close(fd);
	close(f);
	return 0;
}
