/*
 * UFFDIO_MOVE out of a write-protected source page (spec 7.8, 8): the
 * kernel clears the source PTE, write protection and all, so the vacated
 * page is simply empty: a MOVE back into it succeeds (not EEXIST), and a
 * write to it completes without a WP message.  Found by fuzz_ioctl (K22:
 * the emulated engine kept the page's write protection).
 */
#include "harness.h"

static int fd;

static long move(void *dst, void *src, size_t npages)
{
	struct uffdio_move mv = { (uintptr_t)dst, (uintptr_t)src,
				  npages * (uint64_t)t_page, 0, 0 };

	if (uffd_ioctl(fd, UFFDIO_MOVE, &mv))
		return -errno;
	return (long)mv.move;
}

int main(void)
{
	struct uffdio_writeprotect wp;
	struct t_toucher t;
	struct uffd_msg m;
	char *src, *dst;

	t_init(30);
	t_require(UFFD_FEATURE_MOVE | UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_MOVE);
	src = t_map(2);
	dst = t_map(2);
	src[0] = 0x5a;
	src[t_page] = 0x5b;
	t_register(fd, src, 2, UFFDIO_REGISTER_MODE_WP);
	wp = (struct uffdio_writeprotect){ { (uintptr_t)src, 2 * (uint64_t)t_page },
					   UFFDIO_WRITEPROTECT_MODE_WP };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp));
	t_register(fd, dst, 2, UFFDIO_REGISTER_MODE_MISSING);

	CHECK_EQ(move(dst, src, 2), 2 * t_page);
	CHECK_EQ(dst[0], 0x5a);
	CHECK_EQ(dst[t_page], 0x5b);

	/* The first vacated page takes a page moved back. */
	CHECK_EQ(move(src, dst, 1), t_page);
	CHECK_EQ(src[0], 0x5a);

	/* The second is empty and unprotected: a write needs no handler. */
	t_touch_start(&t, src + t_page + 9, 1, 0x5c);
	CHECK_MSG(t_touch_wait(&t, 5000), "write to a vacated source page blocked");
	t_touch_join(&t);
	CHECK_EQ(src[t_page + 9], 0x5c);
	CHECK_EQ(src[t_page], 0);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	close(fd);
	return 0;
}
