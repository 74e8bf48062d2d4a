/* SPDX-License-Identifier: MIT */
/*
 * A registered shmem range moved and grown by one mremap() (EVENT_REMAP):
 * the whole new mapping is registered and its tail maps the file's next
 * pages, so UFFDIO_COPY into the tail fills those file pages.
 */
#include "events_util.h"

int main(void)
{
	struct ev_call c;
	char *base, *reg, out[256], b;
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_EVENT_REMAP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_REMAP);
	mfd = shm_memfd("t_shmem_remap_grow_copy", 8, 0);
	base = ev_reserve(16);
	reg = mmap(base, 2 * (size_t)t_page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		   mfd, 0);
	CHECK(reg == base);
	t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MISSING);

	c = (struct ev_call){ .op = EV_MREMAP, .addr = reg, .len = 2 * (size_t)t_page,
			      .new_len = 4 * (size_t)t_page,
			      .arg = MREMAP_MAYMOVE | MREMAP_FIXED,
			      .new_addr = base + 8 * t_page };
	ev_do(fd, (uintptr_t)base, &c, "mremap +0..+2 to +8..+12", out, sizeof(out));
	CHECK_MSG(c.ret == base + 8 * t_page, "mremap: %p errno %s", c.ret, t_errname(c.err));
	CHECK_STR(out, "REMAP +0->+8 len 2");

	/* The grown tail: file page 3. */
	CHECK_OK(t_copy_byte(fd, base + 11 * t_page, 0x33, 0));
	CHECK_EQ(base[11 * t_page + 9], 0x33);
	CHECK_EQ(pread(mfd, &b, 1, 3 * (off_t)t_page + 9), 1);
	CHECK_EQ(b, 0x33);
	/* The moved part: file page 1. */
	CHECK_OK(t_copy_byte(fd, base + 9 * t_page, 0x11, 0));
	CHECK_EQ(pread(mfd, &b, 1, (off_t)t_page), 1);
	CHECK_EQ(b, 0x11);
	close(fd);
	close(mfd);
	return 0;
}
