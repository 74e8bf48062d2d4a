/*
 * REGISTER of a shared mapping without VM_MAYWRITE fails with EPERM and
 * leaves ioctls untouched (spec 4.1 step 7): MAP_SHARED of a memfd
 * reopened O_RDONLY (through /proc/self/fd) and of a tmpfs file opened
 * O_RDONLY; a MAP_PRIVATE mapping of the same read-only descriptor may
 * write (copy-on-write) and registers fine.  A write-sealed memfd is
 * covered by t_register_eperm_sealed.
 */
#include "events_util.h"

static void check_fd(int fd, int rfd, const char *what)
{
	struct uffdio_register reg;
	char *p;

	printf("%s\n", what);
	p = mmap(NULL, 2 * (size_t)t_page, PROT_READ, MAP_SHARED, rfd, 0);
	CHECK(p != MAP_FAILED);
	reg = (struct uffdio_register){ { (uintptr_t)p, 2 * (uint64_t)t_page },
					UFFDIO_REGISTER_MODE_MISSING, 0x1234 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EPERM);
	CHECK_HEX(reg.ioctls, 0x1234);
	reg.mode = UFFDIO_REGISTER_MODE_MINOR;
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_REGISTER, &reg), EPERM);
	CHECK_OK(munmap(p, 2 * (size_t)t_page));

	p = mmap(NULL, 2 * (size_t)t_page, PROT_READ, MAP_PRIVATE, rfd, 0);
	CHECK(p != MAP_FAILED);
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_unregister(fd, p, 2);
	CHECK_OK(munmap(p, 2 * (size_t)t_page));
}

int main(void)
{
	char path[64], tmpl[] = "/dev/shm/t_shmem_register_eperm.XXXXXX";
	int fd, mfd, rfd, wfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_MINOR_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);

	mfd = shm_memfd("t_shmem_register_eperm", 2, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(rfd >= 0);
	check_fd(fd, rfd, "memfd reopened O_RDONLY");
	close(rfd);
	close(mfd);

	wfd = mkstemp(tmpl);
	if (wfd < 0) {
		printf("no /dev/shm (%s): tmpfs file case not run\n", t_errname(errno));
	} else {
		CHECK_OK(ftruncate(wfd, 2 * (off_t)t_page));
		rfd = open(tmpl, O_RDONLY | O_CLOEXEC);
		unlink(tmpl);
		CHECK(rfd >= 0);
		check_fd(fd, rfd, "/dev/shm file opened O_RDONLY");
		close(rfd);
		close(wfd);
	}
	close(fd);
	return 0;
}
