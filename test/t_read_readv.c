/* readv() with two 16-byte iovecs returns 32 bytes forming one valid message. */
#include "harness.h"
#include <sys/uio.h>

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	unsigned char a[16], b[16];
	struct iovec iov[2] = { { a, 16 }, { b, 16 } };
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_THREAD_ID);
	p = t_map(2);
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	t_touch_start(&t, p + t_page + 7, 1, 0x6a);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	CHECK_EQ(readv(fd, iov, 2), 32);
	memcpy(&m, a, 16);
	memcpy((char *)&m + 16, b, 16);
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK_EQ(m.arg.pagefault.feat.ptid, t.tid);
	/* Nothing left; a readv totalling < 32 bytes is EINVAL. */
	CHECK_ERR(readv(fd, iov, 2), EAGAIN);
	iov[1].iov_len = 15;
	CHECK_ERR(readv(fd, iov, 2), EINVAL);
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x6a);
	t_touch_join(&t);
	close(fd);
	return 0;
}
