/* SPDX-License-Identifier: MIT */
/*
 * raw_syscall_read - a system call whose buffer is a missing page,
 * written against <linux/userfaultfd.h> and the C library only.
 *
 *	raw_syscall_read
 *
 * read() from a pipe into a registered page that is not there yet.  With
 * a kernel userfaultfd (created without UFFD_USER_MODE_ONLY) the kernel's
 * copy to user space faults, the read() blocks in the kernel, the handler
 * sees one fault -- a write -- and installs the page, and the read()
 * completes.  Under `uffd run` with the emulated engine, the preload shim
 * touches the buffer before the call: the handler sees the same single
 * write fault, and the read() then succeeds the same way.
 *
 * The handler fills the page with '.', so the bytes around the buffer show
 * that the page was installed first and the data read into it afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define OFFSET 100		/* where in the page the buffer starts */

static const char text[] = "hello from a pipe, into a page that was not there";

static long page_size;
static char *page;
static int uffd, stopfd;
static _Atomic unsigned long nfaults, nwrites;

static void die(const char *what)
{
	fprintf(stderr, "raw_syscall_read: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *handler(void *arg)
{
	char *src = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct pollfd pfd[2] = {
		{ .fd = uffd, .events = POLLIN },
		{ .fd = stopfd, .events = POLLIN },
	};

	(void)arg;
	if (src == MAP_FAILED)
		die("mmap");
	memset(src, '.', (size_t)page_size);
	for (;;) {
		struct uffd_msg msg;
		struct uffdio_copy copy;
		ssize_t n;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[1].revents & POLLIN)
			break;
		n = read(uffd, &msg, sizeof(msg));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n != (ssize_t)sizeof(msg))
			die("read(userfaultfd)");
		if (msg.event != UFFD_EVENT_PAGEFAULT) {
			fprintf(stderr, "raw_syscall_read: unexpected event %#x\n", msg.event);
			exit(1);
		}
		nfaults++;
		if (msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE)
			nwrites++;
		memset(&copy, 0, sizeof(copy));
		copy.dst = msg.arg.pagefault.address & ~((uint64_t)page_size - 1);
		copy.src = (uintptr_t)src;
		copy.len = (uint64_t)page_size;
		if (ioctl(uffd, UFFDIO_COPY, &copy) < 0 && errno != EEXIST)
			die("UFFDIO_COPY");
	}
	return NULL;
}

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	pthread_t thread;
	uint64_t one = 1;
	int pipefd[2];
	ssize_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		die("UFFDIO_API");
	stopfd = eventfd(0, EFD_CLOEXEC);
	if (stopfd < 0)
		die("eventfd");

	page = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		die("mmap");
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)page;
	reg.range.len = (uint64_t)page_size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		die("UFFDIO_REGISTER");

	errno = pthread_create(&thread, NULL, handler, NULL);
	if (errno)
		die("pthread_create");

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		die("pipe2");
	if (write(pipefd[1], text, sizeof(text) - 1) != (ssize_t)sizeof(text) - 1)
		die("write(pipe)");
	printf("pipe holds %zu bytes; reading them into a missing, registered page\n",
	       sizeof(text) - 1);

	n = read(pipefd[0], page + OFFSET, sizeof(text) - 1);
	if (n < 0)
		die("read(pipe) into the registered page");
	printf("read() returned %zd: \"%.*s\"\n", n, (int)n, page + OFFSET);
	printf("byte before the buffer: '%c', byte after: '%c'\n",
	       page[OFFSET - 1], page[OFFSET + n]);

	if (write(stopfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		die("write(eventfd)");
	pthread_join(thread, NULL);
	printf("handler saw %lu fault(s), %lu of them write faults\n",
	       (unsigned long)nfaults, (unsigned long)nwrites);

	close(pipefd[0]);
	close(pipefd[1]);
	if (close(uffd) < 0)
		die("close");
	if (n != (ssize_t)sizeof(text) - 1 || memcmp(page + OFFSET, text, (size_t)n) ||
	    page[OFFSET - 1] != '.' || nfaults != 1 || nwrites != 1) {
		fprintf(stderr, "raw_syscall_read: unexpected result\n");
		return 1;
	}
	printf("raw_syscall_read: ok\n");
	return 0;
}
