/*
 * Closing a UFFD_FEATURE_SIGBUS uffd unregisters its ranges (spec 9.5,
 * 9.6): afterwards a missing page is zero-filled on access with no signal,
 * and a page filled by COPY before the close keeps its data.
 */
#include "harness.h"

static volatile int nsig;

static void on_bus(int sig)
{
	(void)sig;
	nsig++;
	_exit(9);
}

int main(void)
{
	volatile char *p;
	int fd;

	t_init(30);
	t_require(UFFD_FEATURE_SIGBUS);
	signal(SIGBUS, on_bus);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_SIGBUS);
	p = t_map(3);
	t_register(fd, (void *)p, 3, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, (char *)p + t_page, 0x4d, 0));
	CHECK_OK(close(fd));

	CHECK_EQ(p[5], 0);
	p[2 * t_page + 5] = 0x21;
	CHECK_EQ(p[2 * t_page + 5], 0x21);
	CHECK_EQ(p[t_page], 0x4d);
	CHECK_EQ(nsig, 0);
	return 0;
}
