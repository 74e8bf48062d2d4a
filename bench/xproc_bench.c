/* SPDX-License-Identifier: MIT */
/*
 * `uffd bench xproc [--json] [--reps N] [--pages N] [--threads N]
 *                   [--engines kernel,emulated]`
 *
 * Fault round-trip latency when the handler is another process: the
 * faulting process creates the uffd, registers PAGES pages (MISSING) and
 * passes the descriptor over a UNIX socket (SCM_RIGHTS) to a child forked
 * before the uffd existed; the child polls, reads and resolves every fault
 * with UFFDIO_COPY from its own memory.  Each faulting access is timed in
 * the faulting thread (first touch to the access returning).
 *
 *	xproc/child	the handler is the child process
 *	xproc/thread	the same handler as a thread of the faulting process
 *			(the reference: what crossing the process costs)
 *
 * With the kernel engine the child uses the kernel's uffd directly; with
 * the emulated engine every UFFDIO_COPY goes to the owner's service thread
 * over the protocol of docs/cross-process.md.
 *
 * Every repetition runs both scenarios on every available engine, the
 * engine order alternating between repetitions; the statistics pool the
 * per-fault latencies of all repetitions.  The JSON output has the schema
 * of `uffd bench --json`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "bench.h"
#include "cli.h"

#define PAGE 4096
#define MAX_THREADS 64

enum { V_CHILD, V_THREAD, NVARIANTS };
static const char *const variant_name[NVARIANTS] = { "child", "thread" };

struct region {
	uint64_t base, len;
};

/* ---- the handler (child process or thread) ------------------------------------ */

/*
 * Serve faults on @fd until @stop is readable (or closed); returns the
 * number of pages copied, or -1 on an error.
 */
static long serve(int fd, int stop, const struct region *r)
{
	struct pollfd pfd[2] = { { fd, POLLIN, 0 }, { stop, POLLIN, 0 } };
	struct uffd_msg m[16];
	long served = 0;
	char *src;

	src = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (src == MAP_FAILED)
		return -1;
	for (;;) {
		ssize_t n, i;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			served = -1;
			break;
		}
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		n = read(fd, m, sizeof(m));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			served = -1;
			break;
		}
		for (i = 0; i < n / (ssize_t)sizeof(m[0]); i++) {
			uint64_t a = m[i].arg.pagefault.address & ~(uint64_t)(PAGE - 1);
			struct uffdio_copy c = { .dst = a, .src = (uintptr_t)src,
						 .len = PAGE };

			if (m[i].event != UFFD_EVENT_PAGEFAULT || a < r->base ||
			    a - r->base >= r->len)
				continue;
			bench_fill_page(src, (size_t)((a - r->base) / PAGE));
			if (uffd_ioctl(fd, UFFDIO_COPY, &c) == 0) {
				served++;
			} else if (errno == EEXIST) {
				struct uffdio_range w = { a, PAGE };

				uffd_ioctl(fd, UFFDIO_WAKE, &w);
			} else {
				return -1;
			}
		}
	}
	munmap(src, PAGE);
	return served;
}

static int send_fd(int sock, int fd, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)data, len };
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&mh, 0, sizeof(mh));
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

static int recv_fd(int sock, void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, len };
	struct msghdr mh;
	struct cmsghdr *cm;
	int fd = -1;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != (ssize_t)len)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The child: receive the uffd, answer 'r', serve until told to stop. */
static void child_main(int sock)
{
	struct region r;
	long served;
	int fd;

	fd = recv_fd(sock, &r, sizeof(r));
	if (fd < 0 || write(sock, "r", 1) != 1)
		_exit(1);
	served = serve(fd, sock, &r);
	if (write(sock, &served, sizeof(served)) != (ssize_t)sizeof(served))
		_exit(1);
	_exit(served < 0);
}

struct hthread {
	pthread_t t;
	int fd, stop;
	struct region r;
	long served;
};

static void *hthread_main(void *arg)
{
	struct hthread *h = arg;

	h->served = serve(h->fd, h->stop, &h->r);
	return NULL;
}

/* ---- the faulting side ---------------------------------------------------------- */

struct faulter {
	pthread_t t;
	char *base;
	size_t pages, first, step;
	uint64_t *lat;
	size_t nlat;
	bool bad;
};

static void *faulter_main(void *arg)
{
	struct faulter *f = arg;
	size_t i;

	for (i = f->first; i < f->pages; i += f->step) {
		volatile uint64_t *p = (volatile uint64_t *)(f->base + i * PAGE);
		uint64_t t0 = bench_now(), v;

		v = *p;
		f->lat[f->nlat++] = bench_now() - t0;
		if (v != ((uint64_t)i << 16 ^ 0x9e3779b97f4a7c15ULL))
			f->bad = true;
	}
	return NULL;
}

static bool read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 30000) != 1)
			return false;
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/* One measured run; 0 on success. */
static int run_once(int engine, int variant, size_t pages, int threads,
		    struct sample *out)
{
	struct faulter f[MAX_THREADS];
	struct hthread h;
	struct region r;
	int fd = -1, sv[2] = { -1, -1 }, st, k, err = -1;
	pid_t pid = -1;
	uint64_t t0;
	long served = -1;
	char *area, c;

	memset(out, 0, sizeof(*out));
	if (variant == V_CHILD) {
		/* Forked before the uffd exists: it gets it only over the socket. */
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
			return -1;
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (pid < 0)
			goto out;
		if (pid == 0) {
			close(sv[0]);
			child_main(sv[1]);
		}
		close(sv[1]);
		sv[1] = -1;
	} else if (pipe2(sv, O_CLOEXEC)) {
		return -1;
	}
	fd = bench_uffd(engine, 0);
	area = bench_map(pages);
	r.base = (uintptr_t)area;
	r.len = pages * PAGE;
	if (fd < 0 || bench_register(fd, area, pages, UFFDIO_REGISTER_MODE_MISSING))
		goto unmap;
	if (variant == V_CHILD) {
		if (send_fd(sv[0], fd, &r, sizeof(r)) || !read_full(sv[0], &c, 1))
			goto unmap;
	} else {
		h.fd = fd;
		h.stop = sv[0];
		h.r = r;
		if (pthread_create(&h.t, NULL, hthread_main, &h))
			goto unmap;
	}

	t0 = bench_now();
	for (k = 0; k < threads; k++) {
		f[k] = (struct faulter){ .base = area, .pages = pages, .first = (size_t)k,
					 .step = (size_t)threads };
		f[k].lat = bench_lat_alloc(pages / (size_t)threads + 1);
		if (pthread_create(&f[k].t, NULL, faulter_main, &f[k])) {
			perror("bench: pthread_create");
			exit(1);
		}
	}
	for (k = 0; k < threads; k++)
		pthread_join(f[k].t, NULL);
	out->wall_ns = bench_now() - t0;

	err = 0;
	out->lat_ns = bench_lat_alloc(pages);
	for (k = 0; k < threads; k++) {
		memcpy(out->lat_ns + out->nlat, f[k].lat, f[k].nlat * sizeof(uint64_t));
		out->nlat += f[k].nlat;
		if (f[k].bad) {
			fprintf(stderr, "bench xproc: wrong page contents (%s, %s)\n",
				variant_name[variant], engine == UFFD_ENGINE_KERNEL ?
				"kernel" : "emulated");
			err = -1;
		}
		free(f[k].lat);
	}
	out->faults = out->nlat;
	out->pages = pages;
	if (out->nlat != pages)
		err = -1;

	/* Stop the handler; it reports how many pages it served. */
	if (variant == V_CHILD) {
		if (write(sv[0], "q", 1) != 1 || !read_full(sv[0], &served, sizeof(served)))
			served = -1;
	} else {
		if (write(sv[1], "q", 1) != 1)
			served = -1;
		pthread_join(h.t, NULL);
		served = h.served;
	}
	if (served != (long)pages)
		err = -1;
unmap:
	if (fd >= 0)
		close(fd);
	munmap(area, pages * PAGE);
out:
	if (pid > 0) {
		if (err)
			kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			err = -1;
	}
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (err) {
		free(out->lat_ns);
		out->lat_ns = NULL;
	}
	return err;
}

/* ---- statistics and output -------------------------------------------------------- */

struct acc {
	uint64_t *lat;
	size_t nlat, faults, pages;
	uint64_t wall_ns;
	int runs;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void acc_add(struct acc *a, struct sample *s)
{
	uint64_t *n = realloc(a->lat, (a->nlat + s->nlat) * sizeof(*n));

	if (!n) {
		perror("bench: realloc");
		exit(1);
	}
	a->lat = n;
	memcpy(a->lat + a->nlat, s->lat_ns, s->nlat * sizeof(*n));
	a->nlat += s->nlat;
	a->faults += s->faults;
	a->pages = s->pages;
	a->wall_ns += s->wall_ns;
	a->runs++;
	free(s->lat_ns);
}

static const char *engine_name(int e)
{
	return e == UFFD_ENGINE_KERNEL ? "kernel" : "emulated";
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: uffd bench xproc [--json] [--reps N] [--pages N] [--threads N]\n"
		"                        [--engines kernel,emulated]\n"
		"  --json       one JSON object per scenario and engine\n"
		"  --reps N     repetitions, interleaved (default 5)\n"
		"  --pages N    pages faulted per run (default 16384: 64 MiB)\n"
		"  --threads N  faulting threads (default 1)\n");
}

int bench_xproc_main(int argc, char **argv);
int bench_xproc_main(int argc, char **argv)
{
	struct acc acc[NVARIANTS][2];
	static const char *const engine_names[] = { "kernel", "emulated", NULL };
	long want = 3;		/* bit 0 kernel, bit 1 emulated */
	size_t pages = 16384;
	int engines[2], nengines = 0, reps = 5, threads = 1, i, rep, v, k, failed = 0;
	bool json = false, first = true;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		long v = 0;

		if (!strcmp(a, "--json")) {
			json = true;
			continue;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--reps") && strcmp(a, "--pages") &&
			   strcmp(a, "--threads") && strcmp(a, "--engines")) {
			return cli_getopt_error("bench xproc", '?', argv, i + 1);
		}
		if (i + 1 >= argc)
			return cli_getopt_error("bench xproc", ':', argv, i + 1);
		if (!strcmp(a, "--reps"))
			v = reps = (int)cli_number("bench xproc", a, argv[++i], 1, 1000000);
		else if (!strcmp(a, "--pages"))
			v = cli_number("bench xproc", a, argv[++i], 1, 1L << 24);
		else if (!strcmp(a, "--threads"))
			v = threads = (int)cli_number("bench xproc", a, argv[++i], 1,
						      MAX_THREADS);
		else
			v = want = cli_list("bench xproc", a, argv[++i], engine_names);
		if (v < 0)
			return EXIT_USAGE;
		if (!strcmp(a, "--pages"))
			pages = (size_t)v;
	}
	if (pages < (size_t)threads)
		return cli_usage_error("bench xproc", "--pages must be at least --threads");
	for (i = UFFD_ENGINE_KERNEL; i <= UFFD_ENGINE_EMULATED; i++) {
		int fd;

		if (!(want & (1L << (i == UFFD_ENGINE_KERNEL ? 0 : 1))))
			continue;
		fd = uffd_open_engine(O_CLOEXEC, i);
		if (fd < 0) {
			fprintf(stderr, "bench xproc: %s engine unavailable: %s\n",
				engine_name(i), uffd_diagnostic());
			continue;
		}
		close(fd);
		engines[nengines++] = i;
	}
	memset(acc, 0, sizeof(acc));
	if (!json) {
		struct utsname u;

		uname(&u);
		printf("host: Linux %s %s, %ld CPUs; %d repetitions, interleaved; "
		       "%zu pages, %d faulting thread%s\n", u.release, u.machine,
		       sysconf(_SC_NPROCESSORS_ONLN), reps, pages, threads,
		       threads == 1 ? "" : "s");
	}
	for (rep = 0; rep < reps; rep++) {
		for (v = 0; v < NVARIANTS; v++) {
			for (k = 0; k < nengines; k++) {
				int e = (rep & 1) ? nengines - 1 - k : k;
				struct sample s;

				if (run_once(engines[e], v, pages, threads, &s) == 0) {
					acc_add(&acc[v][e], &s);
				} else {
					fprintf(stderr, "bench xproc: %s/%s on %s failed\n",
						"xproc", variant_name[v], engine_name(engines[e]));
					failed = 1;
				}
			}
		}
		if (!json)
			bench_progress(rep, reps, NULL);
	}
	if (!json)
		bench_progress_end();

	if (json)
		printf("[\n");
	else
		printf("%-20s %-12s %-9s %8s %10s %10s %10s %12s %9s\n", "scenario",
		       "variant", "engine", "faults", "median us", "p90 us", "p99 us",
		       "faults/s", "emu/kern");
	for (v = 0; v < NVARIANTS; v++) {
		double kmed = 0;

		for (k = 0; k < nengines; k++) {
			struct acc *a = &acc[v][k];
			double med, p90, p99, per_sec;
			char ratio[16] = "";

			if (!a->runs || !a->nlat)
				continue;
			qsort(a->lat, a->nlat, sizeof(*a->lat), cmp_u64);
			med = (double)a->lat[a->nlat / 2];
			p90 = (double)a->lat[a->nlat * 9 / 10];
			p99 = (double)a->lat[a->nlat * 99 / 100];
			per_sec = (double)a->faults * 1e9 / (double)a->wall_ns;
			if (engines[k] == UFFD_ENGINE_KERNEL)
				kmed = med;
			else if (kmed > 0)
				snprintf(ratio, sizeof(ratio), "%.2fx", med / kmed);
			if (json) {
				printf("%s  {\"scenario\": \"xproc/%s\", \"engine\": \"%s\", "
				       "\"ns_per_fault_median\": %.0f, \"p90\": %.0f, "
				       "\"p99\": %.0f, \"faults_per_sec\": %.0f, "
				       "\"threads\": %d, \"handlers\": 1, \"batch\": 1, "
				       "\"pages\": %zu, \"faults\": %zu, \"unit\": \"fault\", "
				       "\"reps\": %d}",
				       first ? "" : ",\n", variant_name[v],
				       engine_name(engines[k]), med, p90, p99, per_sec,
				       threads, a->pages, a->faults / (size_t)a->runs, a->runs);
				first = false;
			} else {
				printf("%-20s %-12s %-9s %8zu %10.2f %10.2f %10.2f %12.0f %9s\n",
				       "xproc", variant_name[v], engine_name(engines[k]),
				       a->faults / (size_t)a->runs, med / 1e3, p90 / 1e3,
				       p99 / 1e3, per_sec, ratio);
			}
			free(a->lat);
		}
	}
	if (json)
		printf("\n]\n");
	return failed;
}
