/* SPDX-License-Identifier: MIT */
/*
 * The VMM side of a Firecracker-style snapshot restore, in miniature:
 * what `uffd handle` (docs/pager.md, "Firecracker") serves.  Written
 * against <linux/userfaultfd.h> and the C library only: run natively it
 * uses the kernel's userfaultfd; under `uffd run --engine=emulated` the
 * emulated one.
 *
 *   raw_fc_vmm [options] SOCKET MEMFILE
 *
 * Maps the guest memory -- regions at unrelated addresses (--regions, MiB
 * each, default 24,16), private anonymous or hugetlb (--huge) -- creates a
 * userfaultfd with UFFD_FEATURE_EVENT_REMOVE (as Firecracker does for its
 * balloon), registers every region (MISSING), connects to SOCKET and sends
 * the regions as JSON, {"base_host_virt_addr", "size", "offset",
 * "page_size"} (--old: "page_size_kib"), with the uffd (SCM_RIGHTS); the
 * regions lie one after the other in MEMFILE.  Then --threads threads read
 * every page and compare it with MEMFILE; --balloon MiB discards that much
 * of region 0 with MADV_DONTNEED, which must then read as zeros.  Exits 0
 * when everything was right, after closing its uffd.
 *
 * Failure drills: --die-after N kills itself (SIGKILL) after N pages;
 * --bad-json and --no-fd send a malformed handshake and expect the
 * handler to close the connection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#define MAX_REGIONS 8
#define HUGE (2UL << 20)

struct region {
	char *base;
	size_t len;
	uint64_t offset;
};

static struct region regions[MAX_REGIONS];
static int nregions, nthreads = 2, memfd;
static size_t page_size, total_pages;
static long die_after = -1;
static _Atomic long touched, wrong;

static void die(const char *what)
{
	fprintf(stderr, "raw_fc_vmm: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* /dev/userfaultfd first (Linux 6.1+), then the system call. */
static int new_uffd(void)
{
	int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC), fd = -1;

	if (dev >= 0) {
		fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
		close(dev);
	}
	if (fd < 0)
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	return fd;
}

/* Global page @g: its region and address. */
static char *page_addr(size_t g, int *r)
{
	size_t per;

	for (*r = 0; *r < nregions; (*r)++) {
		per = regions[*r].len / 4096;
		if (g < per)
			return regions[*r].base + g * 4096;
		g -= per;
	}
	return NULL;
}

/* Thread @arg reads pages arg, arg + nthreads, ... and checks them. */
static void *reader(void *arg)
{
	size_t g;
	char *file = aligned_alloc(4096, 4096);
	int r;

	if (!file)
		return NULL;
	for (g = (size_t)(uintptr_t)arg; g < total_pages; g += (size_t)nthreads) {
		char *a = page_addr(g, &r);
		uint64_t off = regions[r].offset + (uint64_t)(a - regions[r].base);

		if (pread(memfd, file, 4096, (off_t)off) != 4096)
			die("pread MEMFILE");
		if (memcmp(a, file, 4096))
			atomic_fetch_add(&wrong, 1);
		if (atomic_fetch_add(&touched, 1) + 1 == die_after)
			kill(getpid(), SIGKILL);	/* the VMM dies mid-restore */
	}
	free(file);
	return NULL;
}

static void send_handshake(int sock, const char *json, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)json, strlen(json) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != (ssize_t)iov.iov_len)
		die("sendmsg");
}

/* After a malformed handshake the handler must hang up (within 10 s). */
static int expect_hangup(int sock)
{
	struct pollfd p = { sock, POLLIN, 0 };
	char c;

	if (poll(&p, 1, 10000) == 1 && read(sock, &c, 1) == 0) {
		printf("raw_fc_vmm: the handler closed the connection\n");
		return 0;
	}
	fprintf(stderr, "raw_fc_vmm: the handler kept the connection\n");
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "regions", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 't' },
		{ "huge", no_argument, NULL, 'H' },
		{ "balloon", required_argument, NULL, 'b' },
		{ "die-after", required_argument, NULL, 'd' },
		{ "bad-json", no_argument, NULL, 'j' },
		{ "no-fd", no_argument, NULL, 'f' },
		{ "old", no_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_EVENT_REMOVE };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *sizes = "24,16";
	char json[4096], *p;
	int c, huge = 0, bad_json = 0, no_fd = 0, old = 0, uffd, sock, i;
	long balloon = 0;
	pthread_t th[64];
	uint64_t off = 0;
	size_t k, len;
	double t0;

	while ((c = getopt_long(argc, argv, "r:t:Hb:d:jfo", opts, NULL)) != -1) {
		switch (c) {
		case 'r': sizes = optarg; break;
		case 't': nthreads = atoi(optarg); break;
		case 'H': huge = 1; break;
		case 'b': balloon = atol(optarg); break;
		case 'd': die_after = atol(optarg); break;
		case 'j': bad_json = 1; break;
		case 'f': no_fd = 1; break;
		case 'o': old = 1; break;
		default: return 2;
		}
	}
	if (optind != argc - 2 || nthreads < 1 || nthreads > 64) {
		fprintf(stderr, "usage: raw_fc_vmm [--regions MiB,MiB] [--threads N] "
			"[--huge] [--balloon MiB] [--die-after N] [--bad-json] "
			"[--no-fd] [--old] SOCKET MEMFILE\n");
		return 2;
	}
	memfd = open(argv[optind + 1], O_RDONLY | O_CLOEXEC);
	if (memfd < 0)
		die(argv[optind + 1]);
	page_size = huge ? HUGE : 4096;

	uffd = new_uffd();
	if (uffd < 0)
		die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api))
		die("UFFDIO_API");
	p = json;
	p += sprintf(p, "[");
	for (sizes = strtok(strdup(sizes), ","); sizes && nregions < MAX_REGIONS;
	     sizes = strtok(NULL, ",")) {
		struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
		struct region *g = &regions[nregions];

		len = (size_t)atol(sizes) << 20;
		g->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			       MAP_ANONYMOUS | MAP_NORESERVE | (huge ? MAP_HUGETLB : 0),
			       -1, 0);
		if (g->base == MAP_FAILED)
			die(huge ? "mmap(MAP_HUGETLB)" : "mmap");
		g->len = len;
		g->offset = off;
		reg.range.start = (uintptr_t)g->base;
		reg.range.len = len;
		if (ioctl(uffd, UFFDIO_REGISTER, &reg))
			die("UFFDIO_REGISTER");
		p += sprintf(p, "%s{\"base_host_virt_addr\":%lu,\"size\":%zu,"
			     "\"offset\":%llu,\"%s\":%zu}", nregions ? "," : "",
			     (unsigned long)(uintptr_t)g->base, len,
			     (unsigned long long)off, old ? "page_size_kib" : "page_size",
			     old ? page_size >> 10 : page_size);
		off += len;
		total_pages += len / 4096;
		nregions++;
	}
	sprintf(p, "]");
	if (bad_json)
		strcpy(json, "[{\"base_host_virt_addr\": \"oops\"}]");

	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[optind]);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)))
		die(argv[optind]);
	t0 = now_ms();
	send_handshake(sock, json, no_fd ? -1 : uffd);
	if (bad_json || no_fd)
		return expect_hangup(sock);
	/* The socket stays open, as Firecracker keeps it. */

	for (i = 0; i < nthreads; i++)
		if (pthread_create(&th[i], NULL, reader, (void *)(uintptr_t)i))
			die("pthread_create");
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	printf("raw_fc_vmm: %zu pages read by %d threads in %.1f ms, %ld wrong\n",
	       total_pages, nthreads, now_ms() - t0, atomic_load(&wrong));

	if (balloon) {
		char *b = regions[0].base + (regions[0].len > (4UL << 20) ? (4UL << 20) : 0);

		len = (size_t)balloon << 20;
		if (madvise(b, len, MADV_DONTNEED))
			die("madvise(MADV_DONTNEED)");
		for (k = 0; k < len; k++)
			if (b[k]) {
				fprintf(stderr, "raw_fc_vmm: byte %zu of the balloon "
					"reads %#x, not 0\n", k, b[k] & 0xff);
				atomic_fetch_add(&wrong, 1);
				break;
			}
		printf("raw_fc_vmm: %ld MiB discarded (MADV_DONTNEED) read as zeros\n",
		       balloon);
	}
	close(uffd);
	return atomic_load(&wrong) ? 1 : 0;
}
