/* A PROT_NONE range registered MISSING stays registered after mprotect(PROT_READ|PROT_WRITE): the first access faults. */
#include "harness.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	char *p;
	int fd;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = mmap(NULL, 2 * (size_t)t_page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK_HEX(t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING), 0x13c);
	CHECK_OK(mprotect(p, 2 * (size_t)t_page, PROT_READ | PROT_WRITE));

	t_touch_start(&t, p + t_page, 1, 0x19);
	CHECK(t_read_msg(fd, &m, 5000));
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_WRITE);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + t_page);
	CHECK_OK(t_zeropage(fd, p + t_page, 1, 0));
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x19);
	t_touch_join(&t);
	close(fd);
	return 0;
}
