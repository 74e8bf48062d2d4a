/* SPDX-License-Identifier: MIT */
/*
 * raw_which_engine - which userfaultfd does a raw program get?  Written
 * against <linux/userfaultfd.h> and the C library only.
 *
 *	raw_which_engine [syscall|device]
 *
 * Creates a userfaultfd with userfaultfd(2) (default) or through
 * /dev/userfaultfd and USERFAULTFD_IOC_NEW, completes the UFFDIO_API
 * handshake, and prints one word telling what the descriptor is, from
 * /proc/self/fd/N alone, read with a raw readlink system call -- the C
 * library's readlink() of an emulated uffd answers as the kernel's would:
 *
 *	kernel     anon_inode:[userfaultfd]  the kernel's userfaultfd
 *	emulated   pipe:[...]                libuffd's emulated engine (under
 *	                                     `uffd run`; the descriptor is a pipe)
 *
 * Used by the preload tests; exit status 1 (and a message on stderr) when
 * no userfaultfd can be created.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "syscall";
	struct uffdio_api api = { .api = UFFD_API };
	char path[64], link[256];
	ssize_t n;
	int fd;

	if (!strcmp(how, "device")) {
		int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);

		if (dev < 0) {
			fprintf(stderr, "raw_which_engine: /dev/userfaultfd: %s\n",
				strerror(errno));
			return 1;
		}
		fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "raw_which_engine: USERFAULTFD_IOC_NEW: %s\n",
				strerror(errno));
			return 1;
		}
		close(dev);
	} else if (!strcmp(how, "syscall")) {
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "raw_which_engine: userfaultfd: %s\n",
				strerror(errno));
			return 1;
		}
	} else {
		fprintf(stderr, "usage: raw_which_engine [syscall|device]\n");
		return 2;
	}
	if (ioctl(fd, UFFDIO_API, &api) < 0) {
		fprintf(stderr, "raw_which_engine: UFFDIO_API: %s\n", strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = syscall(SYS_readlinkat, AT_FDCWD, path, link, sizeof(link) - 1);
	if (n < 0) {
		fprintf(stderr, "raw_which_engine: readlink %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	link[n] = '\0';
	if (!strcmp(link, "anon_inode:[userfaultfd]"))
		puts("kernel");
	else if (!strncmp(link, "pipe:", 5))
		puts("emulated");
	else
		printf("unknown (%s)\n", link);
	close(fd);
	return 0;
}
