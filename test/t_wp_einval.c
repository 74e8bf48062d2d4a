/*
 * UFFDIO_WRITEPROTECT argument validation (spec 8): unaligned start,
 * len 0, unaligned len, start or len beyond TASK_SIZE, unknown mode bits
 * (4, 1 << 63) and WP|DONTWAKE all fail with EINVAL and change nothing (the
 * page is still writable without a message); the struct is not modified.
 */
#include "harness.h"

static int fd;
static char *p;

static void bad(uint64_t start, uint64_t len, uint64_t mode)
{
	struct uffdio_writeprotect wp = { { start, len }, mode };

	CHECK_ERR(uffd_ioctl(fd, UFFDIO_WRITEPROTECT, &wp), EINVAL);
	CHECK_HEX(wp.range.start, start);
	CHECK_HEX(wp.range.len, len);
	CHECK_HEX(wp.mode, mode);
}

int main(void)
{
	const uint64_t WP = UFFDIO_WRITEPROTECT_MODE_WP;
	struct t_toucher t;
	struct uffd_msg m;
	uint64_t a, ps;

	t_init(30);
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(2);
	memset(p, 1, 2 * (size_t)t_page);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	a = (uintptr_t)p;
	ps = (uint64_t)t_page;

	bad(a + 1, ps, WP);
	bad(a + 1, ps, 0);
	bad(a, 0, WP);
	bad(a, 0, 0);
	bad(a, ps + 1, WP);
	bad(a, ps - 1, 0);
	bad(0x7ffffffff000ULL, ps, WP);
	bad(0x800000000000ULL, ps, WP);
	bad(a, 1ULL << 50, WP);
	bad(a, (uint64_t)-ps, WP);
	bad(a, ps, 4);
	bad(a, ps, WP | 4);
	bad(a, ps, 1ULL << 63);
	bad(a, ps, WP | UFFDIO_WRITEPROTECT_MODE_DONTWAKE);

	/* Nothing was protected: writes proceed, no message. */
	t_touch_start(&t, p, 1, 7);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	t_touch_start(&t, p + t_page, 1, 8);
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	CHECK_EQ(t_drain(fd, &m, 1), 0);
	CHECK_EQ(p[0], 7);
	CHECK_EQ(p[t_page], 8);
	close(fd);
	return 0;
}
