/*
 * A plain signal() SIGSEGV handler (no SA_SIGINFO) keeps working with a
 * uffd active: it is called with SIGSEGV for a real fault, stays installed
 * (BSD semantics: a second fault calls it again) and recovers with
 * siglongjmp; uffd faults on registered memory do not call it.
 */
#include "harness.h"
#include <setjmp.h>

static sigjmp_buf env;
static volatile int nsig, last_sig;

static void on_segv(int sig)
{
	last_sig = sig;
	nsig++;
	siglongjmp(env, 1);
}

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *reg, *hole;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	reg = t_map(1);
	t_register(fd, reg, 1, UFFDIO_REGISTER_MODE_MISSING);
	hole = t_hole();
	CHECK(signal(SIGSEGV, on_segv) == SIG_DFL);

	if (sigsetjmp(env, 1) == 0) {
		(void)*(volatile char *)hole;
		CHECK_MSG(0, "no SIGSEGV");
	}
	CHECK_EQ(nsig, 1);
	CHECK_EQ(last_sig, SIGSEGV);
	if (sigsetjmp(env, 1) == 0) {
		*(volatile char *)(hole + 9) = 3;
		CHECK_MSG(0, "no second SIGSEGV");
	}
	CHECK_EQ(nsig, 2);

	t_touch_start(&t, reg + 1, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_OK(t_copy_byte(fd, reg, 0x0d, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x0d);
	t_touch_join(&t);
	CHECK_EQ(nsig, 2);
	CHECK(signal(SIGSEGV, SIG_DFL) == on_segv);
	close(fd);
	return 0;
}
