/* O_NONBLOCK is visible in F_GETFL; the descriptor is opened O_RDONLY. */
#include "harness.h"

int main(void)
{
	int a, b, c, fl;

	t_init(30);
	a = t_open(O_NONBLOCK);
	b = t_open(0);
	c = t_open(O_NONBLOCK | O_CLOEXEC);
	fl = fcntl(a, F_GETFL);
	CHECK(fl >= 0);
	CHECK_EQ(fl & O_NONBLOCK, O_NONBLOCK);
	CHECK_EQ(fl & O_ACCMODE, O_RDONLY);
	fl = fcntl(b, F_GETFL);
	CHECK(fl >= 0);
	CHECK_EQ(fl & O_NONBLOCK, 0);
	CHECK_EQ(fl & O_ACCMODE, O_RDONLY);
	CHECK_EQ(fcntl(c, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	close(a);
	close(b);
	close(c);
	return 0;
}
