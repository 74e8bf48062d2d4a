/*
 * UFFDIO_COPY into shmem whose source faults part-way through the first
 * page (spec 7.4): the source starts in a readable page and runs into a
 * registered missing one, which a UFFD_USER_MODE_ONLY uffd answers with
 * EFAULT.  The kernel fills a new page before adding it to the file and
 * drops it on the fault: the file page stays a hole (zeros, not in the
 * cache), and a COPY from a good source then succeeds.  Found by
 * fuzz_ioctl (K23: the emulated engine left the part it had written in
 * the page cache, and the second COPY said EEXIST; K25: with the source
 * faulting at its first byte, its write had put a zeroed page in the
 * cache, so an access to the page no longer faulted).
 */
#include "events_util.h"

/* Is the page at @p in its file's page cache? */
static int in_core(const void *p)
{
	unsigned char v = 0;

	return mincore((void *)p, (size_t)t_page, &v) == 0 && (v & 1);
}

int main(void)
{
	struct uffdio_copy c;
	char *reg, *src, buf[64];
	int fd, mfd;
	size_t i;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0);
	mfd = shm_memfd("t_shmem_copy_src_fault", 1, 0);
	reg = shm_map(mfd, (size_t)t_page, MAP_SHARED);
	t_register(fd, reg, 1, UFFDIO_REGISTER_MODE_MISSING);

	/* Source: a full page, then a registered missing one. */
	src = t_map(2);
	memset(src, 0x3c, (size_t)t_page);
	t_register(fd, src + t_page, 1, UFFDIO_REGISTER_MODE_MISSING);

	c = (struct uffdio_copy){ (uintptr_t)reg, (uintptr_t)src + 0x321,
				  (uint64_t)t_page, 0, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EFAULT);
	CHECK_EQ(c.copy, -EFAULT);
	CHECK_EQ(pread(mfd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		CHECK_MSG(buf[i] == 0, "file byte %zu is %#x after the failed COPY", i,
			  (unsigned char)buf[i]);
	CHECK_MSG(!in_core(reg), "the file page is in the page cache after the failed COPY");

	/* A source faulting at its first byte: nothing written, same result. */
	c = (struct uffdio_copy){ (uintptr_t)reg, (uintptr_t)src + t_page,
				  (uint64_t)t_page, 0, 0 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EFAULT);
	CHECK_EQ(c.copy, -EFAULT);
	CHECK_MSG(!in_core(reg), "the file page is in the page cache after the failed COPY");

	c = (struct uffdio_copy){ (uintptr_t)reg, (uintptr_t)src, (uint64_t)t_page, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	CHECK_EQ(reg[100], 0x3c);
	close(fd);
	return 0;
}
