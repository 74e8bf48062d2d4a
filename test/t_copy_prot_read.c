/*
 * UFFDIO_COPY into a registered PROT_READ VMA (spec 7.4): succeeds
 * (copy == 4096) and the data is readable; the page follows the VMA's
 * protection, so a write to it still raises SIGSEGV (checked in a child).
 */
#include "harness.h"

static char *page;

static void child_write(void *arg)
{
	(void)arg;
	signal(SIGSEGV, SIG_DFL);
	alarm(10);
	*(volatile char *)page = 1;
	_exit(0);
}

int main(void)
{
	struct uffdio_copy c;
	char *src;
	int fd, st;

	t_init(30);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	page = t_map(2);
	CHECK_OK(mprotect(page, 2 * (size_t)t_page, PROT_READ));
	src = t_map(1);
	memset(src, 0x5f, (size_t)t_page);
	t_register(fd, page, 2, UFFDIO_REGISTER_MODE_MISSING);

	c = (struct uffdio_copy){ .dst = (uintptr_t)page, .src = (uintptr_t)src,
				  .len = (uint64_t)t_page, .copy = 0x7777 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, t_page);
	CHECK_EQ(((volatile char *)page)[0], 0x5f);
	CHECK_EQ(((volatile char *)page)[t_page - 1], 0x5f);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);

	st = t_fork_run(child_write, NULL);
	CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
		  "write to PROT_READ page: status %#x, expected SIGSEGV", st);
	CHECK_EQ(((volatile char *)page)[0], 0x5f);
	close(fd);
	return 0;
}
