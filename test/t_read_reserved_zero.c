/* Pagefault messages have their reserved bytes zero: bytes 1..7 always, 24..31 without THREAD_ID, 28..31 with it; flags bits beyond WRITE are zero. */
#include "harness.h"

static void one(int features, int write)
{
	unsigned char raw[32];
	struct t_toucher t;
	char *p;
	int fd, i;

	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, (uint64_t)features);
	p = t_map(1);
	CHECK_HEX(t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + 0x234, write, 1);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	memset(raw, 0xa5, sizeof(raw));
	CHECK_EQ(read(fd, raw, sizeof(raw)), 32);
	CHECK_EQ(raw[0], UFFD_EVENT_PAGEFAULT);
	for (i = 1; i < 8; i++)
		CHECK_MSG(raw[i] == 0, "byte %d = %#x", i, raw[i]);
	CHECK_EQ(raw[8], write ? 1 : 0);
	for (i = 9; i < 16; i++)
		CHECK_MSG(raw[i] == 0, "flags byte %d = %#x", i, raw[i]);
	for (i = features ? 28 : 24; i < 32; i++)
		CHECK_MSG(raw[i] == 0, "byte %d = %#x (features %#x)", i, raw[i], features);
	if (features) {
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
	one(0, 0);
	one(0, 1);
	one(UFFD_FEATURE_THREAD_ID, 0);
	one(UFFD_FEATURE_THREAD_ID, 1);
	return 0;
}
