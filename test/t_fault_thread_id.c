/*
 * UFFD_FEATURE_THREAD_ID (spec 9.2): feat.ptid is the faulting thread's
 * tid; without the feature it is 0.
 */
#include "harness.h"

static void check_ptid(uint64_t features)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, features);
	p = t_map(1);
	t_register(fd, p, 1, UFFDIO_REGISTER_MODE_MISSING);
	t_touch_start(&t, p + 8, 1, 3);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK(t.tid != getpid());
	if (features & UFFD_FEATURE_THREAD_ID)
		CHECK_EQ(m.arg.pagefault.feat.ptid, t.tid);
	else
		CHECK_EQ(m.arg.pagefault.feat.ptid, 0);
	CHECK_OK(t_zeropage(fd, p, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	close(fd);
	munmap(p, (size_t)t_page);
}

int main(void)
{
	t_init(30);
	t_require(UFFD_FEATURE_THREAD_ID);
	check_ptid(UFFD_FEATURE_THREAD_ID);
	check_ptid(0);
	check_ptid(UFFD_FEATURE_THREAD_ID);
	return 0;
}
