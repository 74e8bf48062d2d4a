/*
 * UFFDIO_POISON of 2 pages whose 2nd is present (spec 7.1, 7.7): partial
 * result, -1/EAGAIN with updated == 4096; the 1st page is poisoned (SIGBUS
 * on access), the 2nd keeps its data.  With the 1st present: EEXIST/-17
 * and nothing poisoned.
 */
#include "harness.h"
#include <setjmp.h>

static sigjmp_buf env;
static volatile int nsig;

static void on_bus(int sig)
{
	(void)sig;
	nsig++;
	siglongjmp(env, 1);
}

static int faults(volatile char *a)
{
	if (sigsetjmp(env, 1) == 0) {
		(void)*a;
		return 0;
	}
	return 1;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_bus };
	struct uffdio_poison po;
	char *p;
	int fd;

	t_init(30);
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGBUS, &sa, NULL));
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = t_map(4);
	t_register(fd, p, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, p + t_page, 0x71, 0));

	po = (struct uffdio_poison){ { (uintptr_t)p, 2 * (uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_POISON, &po), EAGAIN);
	CHECK_EQ(po.updated, t_page);
	CHECK_EQ(faults(p + 3), 1);
	CHECK_EQ(faults(p + t_page + 3), 0);
	CHECK_EQ(p[t_page + 3], 0x71);

	/* Pages 1..2: the 1st is present. */
	po = (struct uffdio_poison){ { (uintptr_t)p + t_page, 2 * (uint64_t)t_page }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_POISON, &po), EEXIST);
	CHECK_EQ(po.updated, -EEXIST);
	CHECK_OK(t_copy_byte(fd, p + 2 * t_page, 0x72, 0));
	CHECK_EQ(faults(p + 2 * t_page), 0);
	CHECK_EQ(p[2 * t_page], 0x72);
	CHECK_EQ(nsig, 1);
	close(fd);
	return 0;
}
