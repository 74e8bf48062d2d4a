/* Registering a regular (disk filesystem) file mapping, MAP_PRIVATE or MAP_SHARED, fails EINVAL; a range mixing anon and file memory registers nothing. */
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

static void expect_einval(int fd, void *start, size_t npages)
{
	struct uffdio_register r = { { (uintptr_t)start, npages * (uint64_t)t_page },
				     UFFDIO_REGISTER_MODE_MISSING, 0x1234 };

	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &r), EINVAL);
	CHECK_HEX(r.ioctls, 0x1234);
}

int main(void)
{
	struct t_toucher t;
	char *priv, *shared, *mix;
	int fd, f;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	f = disk_file(2);
	CHECK_EQ(pwrite(f, "xy", 2, 0), 2);
	priv = mmap(NULL, 2 * (size_t)t_page, PROT_READ | PROT_WRITE, MAP_PRIVATE, f, 0);
	CHECK(priv != MAP_FAILED);
	shared = mmap(NULL, 2 * (size_t)t_page, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	CHECK(shared != MAP_FAILED);
	expect_einval(fd, priv, 2);
	expect_einval(fd, priv + t_page, 1);
	expect_einval(fd, shared, 2);

	/* [anon][file]: refused as a whole, the anon page stays unregistered. */
	mix = t_map(2);
	CHECK(mmap(mix + t_page, (size_t)t_page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_FIXED, f, 0) == mix + t_page);
	expect_einval(fd, mix, 2);
	t_touch_start(&t, mix, 0, 0);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0);
	t_touch_join(&t);

	/* The file mappings are intact. */
	CHECK_EQ(priv[0], 'x');
	CHECK_EQ(shared[1], 'y');
	CHECK_EQ(mix[t_page], 'x');
	close(fd);
	close(f);
	return 0;
}
