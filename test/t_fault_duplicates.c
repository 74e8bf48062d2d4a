/*
 * N threads faulting on one page (spec 9.3): 4 threads give 4 messages
 * (same page address, each with its own tid and read/write flag), in the
 * order the threads faulted (FIFO); one UFFDIO_COPY wakes all 4.
 */
#include "harness.h"

#define N 4

static void wait_blocked(struct t_toucher *t)
{
	int i;

	for (i = 0; i < 5000 && t_thread_state(t->tid) != 'S'; i++)
		t_msleep(1);
	t_msleep(50);
	CHECK(!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE));
}

int main(void)
{
	struct t_toucher t[N];
	struct uffd_msg m[N + 2];
	char *p;
	int fd, i, n;

	t_init(30);
	t_require(UFFD_FEATURE_THREAD_ID);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_THREAD_ID);
	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);

	for (i = 0; i < N; i++) {
		t_touch_start(&t[i], p + t_page + 64 * i, i & 1, (char)(0x50 + i));
		wait_blocked(&t[i]);
	}
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	n = t_drain(fd, m, N + 2);
	CHECK_EQ(n, N);
	for (i = 0; i < N; i++) {
		CHECK_EQ(m[i].event, UFFD_EVENT_PAGEFAULT);
		CHECK_HEX(m[i].arg.pagefault.address, (uintptr_t)p + (uintptr_t)t_page);
		CHECK_EQ(m[i].arg.pagefault.feat.ptid, t[i].tid);
		CHECK_HEX(m[i].arg.pagefault.flags, (i & 1) ? UFFD_PAGEFAULT_FLAG_WRITE : 0);
	}
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	for (i = 0; i < N; i++)
		CHECK(!__atomic_load_n(&t[i].done, __ATOMIC_ACQUIRE));

	CHECK_OK(t_copy_byte(fd, p + t_page, 0x0f, 0));
	for (i = 0; i < N; i++) {
		CHECK(t_touch_wait(&t[i], 5000));
		CHECK_EQ(t[i].seen, (i & 1) ? 0x50 + i : 0x0f);
		t_touch_join(&t[i]);
	}
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
