/* SPDX-License-Identifier: MIT */
/*
 * `uffd restore` with its defaults never hangs (issue 18): it ends
 * non-zero with one clear line within the timeout --
 *
 *   corrupt	an image with a damaged data page (the application never
 *		touches it: only the prefetcher meets it): "checksum
 *		mismatch";
 *   killed	the page server dies (SIGKILL) once it has sent 2000 of
 *		the 65536 pages: "page server ...".
 *
 * On the engine under test (--engine).  Each run is bounded (60 s) only
 * to turn a hang into a failure.
 */
#include "pager_util.h"
#include "spawn_util.h"

#define NPAGES 4096
#define BIG (64 * 1024)	/* 256 MiB: the prefetcher is still at work */

static void flip(const char *path, uint64_t off)
{
	int fd = open(path, O_RDWR);
	unsigned char c[16];
	int i;

	CHECK(fd >= 0);
	CHECK(pread(fd, c, sizeof(c), (off_t)off) == (ssize_t)sizeof(c));
	for (i = 0; i < 16; i++)
		c[i] ^= 0xff;
	CHECK(pwrite(fd, c, sizeof(c), (off_t)off) == (ssize_t)sizeof(c));
	close(fd);
}

static void expect_error(int st, const char *log, const char *what)
{
	const char *out = sp_slurp(log);

	CHECK_MSG(st != -1, "uffd restore hung; it printed:\n%s", out);
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1,
		  "uffd restore: status %#x, expected exit 1; it printed:\n%s", st, out);
	CHECK_MSG(strstr(out, what), "no \"%s\" in:\n%s", what, out);
	CHECK_MSG(!strstr(out, "SIGBUS"), "SIGBUS instead of the message:\n%s", out);
}

int main(void)
{
	const char *uffd, *img, *big, *log = NULL;
	char engine[32], addr[128];
	struct uffd_server *srv;
	pid_t pid, spid;
	int st, pfd[2];
	ssize_t n;

	t_init(200);
	tp_require_engine();
	uffd = sp_build("uffd");
	snprintf(engine, sizeof(engine), "--engine=%s", t_engine_name);
	log = tp_path("log");

	/* A corrupt page: 16 bytes flipped in page 3000's data. */
	img = tp_path("corrupt.img");
	tp_make_image(img, NPAGES, 0);
	flip(img, (uint64_t)t_page + ((NPAGES * 8 + t_page - 1) / t_page) * t_page +
		  3000 * (uint64_t)t_page + 100);
	pid = sp_start((char *[]){ (char *)uffd, "restore", engine, "--quiet",
				   (char *)img, NULL }, log, NULL);
	expect_error(sp_wait(pid, 60000), log, "page 3000: checksum mismatch");

	/* A page server killed mid-restore, in a process of its own. */
	big = tp_path("big.img");
	tp_make_image(big, BIG, 0);
	CHECK_OK(pipe(pfd));
	spid = fork();
	CHECK(spid >= 0);
	if (spid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		struct uffd_server_stats ss;

		srv = uffd_server_start("127.0.0.1:0", big);
		if (!srv || write(pfd[1], uffd_server_address(srv),
				  strlen(uffd_server_address(srv)) + 1) < 0)
			_exit(1);
		do {
			usleep(200);
			uffd_server_stats(srv, &ss);
		} while (ss.pages < 2000);
		raise(SIGKILL);
	}
	close(pfd[1]);
	n = read(pfd[0], addr, sizeof(addr));
	close(pfd[0]);
	CHECK_MSG(n > 1, "page server did not start");
	pid = sp_start((char *[]){ (char *)uffd, "restore", engine, "--quiet",
				   addr, NULL }, log, NULL);
	CHECK_EQ(sp_wait(spid, 60000) & 0x7f, SIGKILL);
	st = sp_wait(pid, 60000);
	expect_error(st, log, "page server 127.0.0.1:");
	printf("both failures ended with one line and exit 1\n");
	return 0;
}
