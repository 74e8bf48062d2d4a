/*
 * The pagefault message is fully initialised (spec 1.3): bytes 1..7
 * (reserved1..3) are zero, bytes 28..31 are zero with THREAD_ID (ptid is 4
 * bytes at 24) and 24..31 are zero without it; the buffer is overwritten
 * everywhere (filled with 0xff before the read).
 */
#include "harness.h"

static void check_msg(uint64_t features)
{
	struct t_toucher t;
	unsigned char raw[32];
	struct pollfd pfd;
	char *p;
	int fd, i;

	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, features);
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);
	t_touch_start(&t, p + 0x10, 1, 2);

	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	CHECK_EQ(poll(&pfd, 1, 5000), 1);
	memset(raw, 0xff, sizeof(raw));
	CHECK_EQ(read(fd, raw, sizeof(raw)), 32);
	CHECK_EQ(raw[0], UFFD_EVENT_PAGEFAULT);
	for (i = 1; i < 8; i++)
		CHECK_MSG(raw[i] == 0, "byte %d == %#x", i, raw[i]);
	CHECK_EQ(raw[8], UFFD_PAGEFAULT_FLAG_WRITE);
	for (i = 9; i < 16; i++)
		CHECK_MSG(raw[i] == 0, "flags byte %d == %#x", i, raw[i]);
	for (i = (features & UFFD_FEATURE_THREAD_ID) ? 28 : 24; i < 32; i++)
		CHECK_MSG(raw[i] == 0, "byte %d == %#x", i, raw[i]);
	if (features & UFFD_FEATURE_THREAD_ID) {
		uint32_t ptid;

		memcpy(&ptid, raw + 24, 4);
		CHECK_EQ(ptid, t.tid);
	}
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	munmap(p, (size_t)t_page);
}

int main(void)
{
	t_init(30);
	check_msg(0);
	if (t_features() & UFFD_FEATURE_THREAD_ID)
		check_msg(UFFD_FEATURE_THREAD_ID);
	return 0;
}
