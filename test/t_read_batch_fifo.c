/* read(256) with 4 pending faults returns 128 bytes: all four messages, in the order the threads faulted. */
#include "harness.h"

static void start_blocked(struct t_toucher *t, void *addr, int write)
{
	int i;

	t_touch_start(t, addr, write, 1);
	for (i = 0; i < 5000 && t_thread_state(t->tid) != 'S'; i++)
		t_msleep(1);
	CHECK_EQ(t_thread_state(t->tid), 'S');
	t_msleep(20);
}

int main(void)
{
	static const int order[4] = { 2, 0, 3, 1 };
	struct t_toucher t[4];
	struct uffd_msg m[8];
	char *p;
	int fd, i;

	t_init(60);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_THREAD_ID);
	p = t_map(4);
	CHECK_HEX(t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	for (i = 0; i < 4; i++)
		start_blocked(&t[i], p + order[i] * t_page, i & 1);

	memset(m, 0xcc, sizeof(m));
	CHECK_EQ(read(fd, m, 256), 128);
	for (i = 0; i < 4; i++) {
		CHECK_EQ(m[i].event, UFFD_EVENT_PAGEFAULT);
		CHECK_HEX(m[i].arg.pagefault.address, (uintptr_t)p + order[i] * t_page);
		CHECK_HEX(m[i].arg.pagefault.flags, (i & 1) ? UFFD_PAGEFAULT_FLAG_WRITE : 0);
		CHECK_EQ(m[i].arg.pagefault.feat.ptid, t[i].tid);
	}
	/* The rest of the buffer was not written. */
	CHECK_EQ(((unsigned char *)m)[128], 0xcc);
	CHECK_ERR(read(fd, m, 256), EAGAIN);

	CHECK_OK(t_zeropage(fd, p, 4, 0));
	for (i = 0; i < 4; i++) {
		CHECK(t_touch_wait(&t[i], 5000));
		t_touch_join(&t[i]);
	}
	close(fd);
	return 0;
}
