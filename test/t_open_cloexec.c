/* O_CLOEXEC gives FD_CLOEXEC; without it the descriptor has no FD_CLOEXEC. */
#include "harness.h"

int main(void)
{
	int a, b, c;

	t_init(30);
	a = t_open(O_CLOEXEC);
	b = t_open(0);
	c = t_open(O_CLOEXEC | O_NONBLOCK);
	CHECK_EQ(fcntl(a, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	CHECK_EQ(fcntl(b, F_GETFD) & FD_CLOEXEC, 0);
	CHECK_EQ(fcntl(c, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	/* O_CLOEXEC is a descriptor flag, never a status flag. */
	CHECK_EQ(fcntl(a, F_GETFL) & O_CLOEXEC, 0);
	close(a);
	close(b);
	close(c);
	return 0;
}
