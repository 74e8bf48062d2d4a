/* SPDX-License-Identifier: MIT */
/*
 * A registered shmem range moved by mremap(MREMAP_MAYMOVE | MREMAP_FIXED)
 * onto another mapping of the same file, with EVENT_REMAP (what the
 * kernel selftests' "events" child does with its area): after the REMAP
 * event, UFFDIO_COPY into the new place fills the file's page (the page
 * is seen through the file at its own offset), and a fault at the new
 * place is a message with the new address that a COPY there resolves.
 */
#include "events_util.h"

int main(void)
{
	struct ev_call c;
	struct t_toucher t;
	struct uffd_msg m;
	char *src, *dst, *moved, out[256], s[96], b;
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MISSING_SHMEM | UFFD_FEATURE_EVENT_REMAP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_REMAP);
	mfd = shm_memfd("t_shmem_remap_copy", 8, 0);
	/* src: file pages 0-3; dst: file pages 4-7, registered. */
	src = mmap(NULL, 4 * (size_t)t_page, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	dst = mmap(NULL, 4 * (size_t)t_page, PROT_READ | PROT_WRITE, MAP_SHARED, mfd,
		   4 * (off_t)t_page);
	CHECK(src != MAP_FAILED && dst != MAP_FAILED);
	t_register(fd, dst, 4, UFFDIO_REGISTER_MODE_MISSING);

	c = (struct ev_call){ .op = EV_MREMAP, .addr = dst, .len = 4 * (size_t)t_page,
			      .new_len = 4 * (size_t)t_page,
			      .arg = MREMAP_MAYMOVE | MREMAP_FIXED, .new_addr = src };
	ev_do(fd, (uintptr_t)dst, &c, "mremap dst onto src", out, sizeof(out));
	CHECK_MSG(c.ret == src, "mremap: %p errno %s", c.ret, t_errname(c.err));
	moved = src;
	snprintf(s, sizeof(s), "REMAP +0->%+ld len 4", (long)((moved - dst) / t_page));
	CHECK_STR(out, s);

	/* COPY into the moved range: file page 5. */
	CHECK_OK(t_copy_byte(fd, moved + t_page, 0x51, 0));
	CHECK_EQ(moved[t_page + 7], 0x51);
	CHECK_EQ(pread(mfd, &b, 1, 5 * (off_t)t_page + 7), 1);
	CHECK_EQ(b, 0x51);

	/* A fault at the new place, resolved there: file page 6. */
	t_touch_start(&t, moved + 2 * t_page + 3, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)moved + 2 * (uintptr_t)t_page);
	CHECK_OK(t_copy_byte(fd, moved + 2 * t_page, 0x62, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x62);
	t_touch_join(&t);
	CHECK_EQ(pread(mfd, &b, 1, 6 * (off_t)t_page), 1);
	CHECK_EQ(b, 0x62);

	/* Page 4 of the file was never filled: still missing, EEXIST-free COPY. */
	CHECK_OK(t_copy_byte(fd, moved, 0x40, 0));
	CHECK_EQ(moved[1], 0x40);
	ev_none(fd, "end");
	close(fd);
	close(mfd);
	return 0;
}
