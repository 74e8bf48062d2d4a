/* SPDX-License-Identifier: MIT */
/*
 * `uffd bench pager --handler`: a Firecracker-style snapshot restore, the
 * VMM in one process and `uffd handle` in another, against the ways of
 * restoring without a handler.
 *
 *	uffd bench pager --handler [--size MiB] [--engines kernel,emulated]
 *				   [--modes read-first,mmap,demand,prefetch,replay]
 *
 * A raw memory file (default 1 GiB, one page in four zero) is written once
 * in a scratch directory (so it is in the page cache: a warm restore).
 * The "VMM" is a child process; its guest memory is two regions (60% at
 * file offset 0, 40% after it) and it reads every page once, in a fixed
 * pseudo-random order, checking a word of each.  Modes:
 *
 *	read-first  no handler: read the whole file into anonymous memory,
 *		    then run
 *	mmap	    no handler: map the file MAP_PRIVATE (Firecracker's File
 *		    backend): the kernel faults pages in from the page cache
 *	demand	    `uffd handle --once --no-prefetch --record PLAN FILE`:
 *		    every page is a fault served by the handler
 *	prefetch    `uffd handle --once FILE`: faults, readahead and the
 *		    background sweep
 *	replay	    `uffd handle --once --replay PLAN FILE`: the first-touch
 *		    order the demand run recorded, prefetched
 *
 * The handler modes run with the VMM's uffd on each engine (the emulated
 * one as a program under `uffd run` would have it).  Reported: time to
 * first access (from the VMM's start -- mapping, uffd, handshake -- until
 * its first read returns) and total time (until it has read every page).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "bench.h"
#include "uffd_pager.h"

enum { H_READ, H_MMAP, H_DEMAND, H_PREFETCH, H_REPLAY, HMODES };
static const char *const hmode_names[HMODES] = {
	"read-first", "mmap", "demand", "prefetch", "replay" };

struct hb_result {
	double first_ms, total_ms;
	int ok;
};

static size_t ps;

static uint64_t hb_word(uint64_t p, uint64_t i)
{
	return p % 4 == 3 ? 0 : (p << 20) ^ i ^ 0x5bd1e9955bd1e995ULL;
}

static int hb_memfile(const char *path, size_t npages)
{
	size_t chunk = 256, i, j, w;
	uint64_t *buf = malloc(chunk * ps);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), rc = 0;

	if (!buf || fd < 0)
		rc = -1;
	for (i = 0; i < npages && !rc; i += chunk) {
		size_t n = npages - i < chunk ? npages - i : chunk;

		for (j = 0; j < n; j++)
			for (w = 0; w < ps / 8; w++)
				buf[j * ps / 8 + w] = hb_word(i + j, w);
		if (write(fd, buf, n * ps) != (ssize_t)(n * ps))
			rc = -1;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

/* The handshake: two regions, the uffd attached. */
static int hb_handshake(const char *sock, int uffd, char *mem, size_t len0,
			size_t len1)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char json[512], cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { json, 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	iov.iov_len = (size_t)snprintf(json, sizeof(json),
		"[{\"base_host_virt_addr\":%lu,\"size\":%zu,\"offset\":0,"
		"\"page_size\":%zu},{\"base_host_virt_addr\":%lu,\"size\":%zu,"
		"\"offset\":%zu,\"page_size\":%zu}]", (unsigned long)(uintptr_t)mem,
		len0, ps, (unsigned long)(uintptr_t)(mem + len0 + ps), len1, len0, ps);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &uffd, sizeof(int));
	if (strlen(sock) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    sendmsg(s, &mh, MSG_NOSIGNAL) != (ssize_t)iov.iov_len)
		return -1;
	return s;	/* kept open, as Firecracker does */
}

/* The VMM: map, (uffd and handshake, or read, or mmap), read every page. */
static void hb_vmm(int mode, int engine, const char *mem, const char *sock,
		   const size_t *order, size_t npages, int out)
{
	size_t len = npages * ps, len0 = (npages * 6 / 10) * ps, i, n;
	struct hb_result r = { 0 };
	uint64_t t0 = bench_now();
	char *m = NULL;
	int fd, uffd;

	if (mode == H_MMAP) {
		fd = open(mem, O_RDONLY | O_CLOEXEC);
		m = fd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE, fd, 0);
	} else {
		/* Two regions with an unmapped page between them. */
		m = mmap(NULL, len + ps, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m != MAP_FAILED)
			munmap(m + len0, ps);
	}
	if (m == MAP_FAILED)
		_exit(1);
	if (mode == H_READ) {
		fd = open(mem, O_RDONLY | O_CLOEXEC);
		for (i = 0; fd >= 0 && i < len; i += n) {
			n = len - i < (1 << 20) ? len - i : 1 << 20;
			if (i < len0 && i + n > len0)
				n = len0 - i;	/* never across the gap */
			if (pread(fd, m + i + (i >= len0 ? ps : 0), n, (off_t)i) !=
			    (ssize_t)n)
				_exit(1);
		}
	} else if (mode != H_MMAP) {
		struct uffdio_api api = { .api = UFFD_API,
					  .features = UFFD_FEATURE_EVENT_REMOVE };
		struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

		uffd = uffd_open_engine(O_CLOEXEC | O_NONBLOCK, engine);
		if (uffd < 0 || uffd_ioctl(uffd, UFFDIO_API, &api))
			_exit(1);
		reg.range = (struct uffdio_range){ (uintptr_t)m, len0 };
		if (uffd_ioctl(uffd, UFFDIO_REGISTER, &reg))
			_exit(1);
		reg.range = (struct uffdio_range){ (uintptr_t)(m + len0 + ps), len - len0 };
		if (uffd_ioctl(uffd, UFFDIO_REGISTER, &reg) ||
		    hb_handshake(sock, uffd, m, len0, len - len0) < 0)
			_exit(1);
	}
	r.ok = 1;
	for (i = 0; i < npages; i++) {
		size_t pg = order[i], w = i & 511;
		const char *a = m + pg * ps + (mode != H_MMAP && pg * ps >= len0 ? ps : 0);

		if (*(volatile const uint64_t *)(a + w * 8) != hb_word(pg, w))
			r.ok = 0;
		if (i == 0)
			r.first_ms = (double)(bench_now() - t0) / 1e6;
	}
	r.total_ms = (double)(bench_now() - t0) / 1e6;
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

/* `uffd handle --once ...` from this very binary; its pid. */
static pid_t hb_handler(const char *sock, const char *mem, int mode, const char *plan)
{
	char *argv[12];
	int n = 0, i;
	pid_t pid;

	argv[n++] = "uffd";
	argv[n++] = "handle";
	argv[n++] = "--once";
	argv[n++] = "--quiet";
	argv[n++] = "--socket";
	argv[n++] = (char *)sock;
	if (mode == H_DEMAND) {
		argv[n++] = "--record";
		argv[n++] = (char *)plan;
	} else if (mode == H_REPLAY) {
		argv[n++] = "--replay";
		argv[n++] = (char *)plan;
	}
	argv[n++] = (char *)mem;
	argv[n] = NULL;
	unlink(sock);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (null >= 0)
			dup2(null, 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	for (i = 0; pid > 0 && i < 1000 && access(sock, F_OK); i++)
		usleep(10000);
	return pid;
}

static int hb_run(int mode, int engine, const char *mem, const char *sock,
		  const char *plan, const size_t *order, size_t npages,
		  struct hb_result *r)
{
	pid_t h = -1, v;
	int pfd[2], st = 0, hst = 0;

	memset(r, 0, sizeof(*r));
	if (mode >= H_DEMAND && (h = hb_handler(sock, mem, mode, plan)) < 0)
		return -1;
	if (pipe(pfd))
		return -1;
	fflush(stdout);
	v = fork();
	if (v == 0) {
		close(pfd[0]);
		hb_vmm(mode, engine, mem, sock, order, npages, pfd[1]);
	}
	close(pfd[1]);
	if (v < 0 || read(pfd[0], r, sizeof(*r)) != (ssize_t)sizeof(*r))
		r->ok = 0, st = -1;
	close(pfd[0]);
	if (v > 0)
		waitpid(v, NULL, 0);
	if (h > 0 && (waitpid(h, &hst, 0) != h || !WIFEXITED(hst) || WEXITSTATUS(hst)))
		r->ok = 0;
	return st;
}

int bench_handler_main(int argc, char **argv);
int bench_handler_main(int argc, char **argv)
{
	static const char *const engine_names[] = { "kernel", "emulated" };
	const char *engines = "kernel,emulated",
		   *modes = "read-first,mmap,demand,prefetch,replay";
	char dir[256], mem[300], sock[300], plan[300];
	size_t mib = 1024, npages, *order, i;
	int e, m, failed = 0;

	for (i = 1; i + 1 < (size_t)argc; i += 2) {
		if (!strcmp(argv[i], "--size"))
			mib = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--engines"))
			engines = argv[i + 1];
		else if (!strcmp(argv[i], "--modes"))
			modes = argv[i + 1];
		else
			break;
	}
	if (i != (size_t)argc || !mib) {
		fprintf(stderr, "usage: uffd bench pager --handler [--size MiB] "
			"[--engines kernel,emulated]\n                  "
			"[--modes read-first,mmap,demand,prefetch,replay]\n");
		return 2;
	}
	ps = (size_t)sysconf(_SC_PAGESIZE);
	npages = (mib << 20) / ps;
	snprintf(dir, sizeof(dir), "%s/uffd-bench-handler.XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("bench pager --handler: mkdtemp");
		return 1;
	}
	snprintf(mem, sizeof(mem), "%s/mem.raw", dir);
	snprintf(sock, sizeof(sock), "%s/h.sock", dir);
	snprintf(plan, sizeof(plan), "%s/plan", dir);
	order = malloc(npages * sizeof(*order));
	if (!order || hb_memfile(mem, npages)) {
		fprintf(stderr, "bench pager --handler: cannot write %s\n", mem);
		free(order);
		unlink(mem);
		rmdir(dir);
		return 1;
	}
	for (i = 0; i < npages; i++)
		order[i] = i;
	bench_shuffle(order, npages, 42);
	printf("VMM restore of %zu MiB (2 regions, 1/4 zero pages, warm page "
	       "cache), every page read once in random order\n%-9s %-11s %12s "
	       "%12s %9s\n", mib, "VMM uffd", "mode", "first ms", "total ms", "MiB/s");
	for (m = 0; m < HMODES; m++) {
		for (e = 0; e < 2; e++) {
			struct hb_result r;
			int engine = e ? UFFD_ENGINE_EMULATED : UFFD_ENGINE_KERNEL;

			if (!strstr(modes, hmode_names[m]) ||
			    (m < H_DEMAND && e) ||	/* no uffd: once */
			    (m >= H_DEMAND && !strstr(engines, engine_names[e])))
				continue;
			if (m == H_REPLAY && access(plan, R_OK))
				continue;		/* no demand run: no plan */
			if (hb_run(m, engine, mem, sock, plan, order, npages, &r)) {
				fprintf(stderr, "bench pager --handler: %s on %s failed\n",
					hmode_names[m], engine_names[e]);
				failed = 1;
				continue;
			}
			failed |= !r.ok;
			printf("%-9s %-11s %12.3f %12.1f %9.0f%s\n",
			       m < H_DEMAND ? "-" : engine_names[e], hmode_names[m],
			       r.first_ms, r.total_ms, (double)mib * 1e3 / r.total_ms,
			       r.ok ? "" : "  WRONG CONTENTS");
			fflush(stdout);
		}
	}
	free(order);
	unlink(plan);
	unlink(sock);
	unlink(mem);
	rmdir(dir);
	return failed;
}
