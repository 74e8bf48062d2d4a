/* SPDX-License-Identifier: MIT */
/*
 * `uffd serve --listen ADDR [--verify] IMAGE`: a page server.  Pagers
 * (`uffd restore ADDR`, uffd_store_tcp_open) fetch the image's pages from
 * it.  Runs until SIGINT or SIGTERM; shows its traffic while it runs.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pager_cmds.h"
#include "progress.h"

static void verify_progress(uint64_t done, uint64_t total, void *arg)
{
	struct progress *p = arg;

	(void)total;
	progress_update(p, done * (uint64_t)sysconf(_SC_PAGESIZE));
}

static void usage(FILE *f)
{
	fprintf(f, "usage: uffd serve --listen ADDR [--verify] IMAGE\n"
		"  --listen ADDR  HOST:PORT, [V6]:PORT, :PORT (all addresses) or unix:PATH\n"
		"  --verify       check every page's checksum before serving\n");
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "verify", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *listen = NULL, *image;
	struct uffd_image_info info;
	struct uffd_server_stats st;
	struct uffd_server *srv;
	struct timespec tick = { 1, 0 };
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	int c, verify = 0, sig = 0;
	sigset_t set;

	while ((c = getopt_long(argc, argv, ":l:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'v':
			verify = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return cli_getopt_error("serve", c, argv, optind);
		}
	}
	if (!listen)
		return cli_usage_error("serve", "--listen ADDR is required");
	if (optind != argc - 1)
		return cli_usage_error("serve", "expected one IMAGE after the options");
	/* A bad port fails now, not after reading (or verifying) the image. */
	if (strncmp(listen, "unix:", 5) && strrchr(listen, ':') &&
	    cli_number("serve", "--listen port", strrchr(listen, ':') + 1, 0, 65535) < 0)
		return EXIT_USAGE;
	image = argv[optind];
	if (uffd_image_info(image, &info))
		return pc_fail("serve");
	printf("image %s: %llu pages (%llu MiB of data, %llu zero pages)%s%s\n",
	       image, (unsigned long long)info.npages,
	       (unsigned long long)(info.data_pages * info.page_size >> 20),
	       (unsigned long long)info.zero_pages, info.label[0] ? ", " : "",
	       info.label);
	if (verify) {
		struct progress p;
		uint64_t bad;

		progress_start(&p, "verifying", info.npages * info.page_size);
		if (uffd_image_verify(image, &bad, verify_progress, &p)) {
			fprintf(stderr, "\n");
			return pc_fail("serve");
		}
		progress_done(&p, info.npages * info.page_size);
	}
	/* Signals are taken synchronously, below; server threads never see them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	srv = uffd_server_start(listen, image);
	if (!srv)
		return pc_fail("serve");
	printf("serving on %s (Ctrl-C to stop)\n", uffd_server_address(srv));
	fflush(stdout);
	while (sig <= 0) {
		sig = sigtimedwait(&set, NULL, &tick);
		uffd_server_stats(srv, &st);
		if (isatty(2))
			fprintf(stderr, "\r%llu connections (%llu open), %llu requests, "
				"%llu pages, %llu MiB sent\033[K",
				(unsigned long long)st.connections,
				(unsigned long long)st.active,
				(unsigned long long)st.requests,
				(unsigned long long)st.pages,
				(unsigned long long)(st.bytes >> 20));
	}
	if (isatty(2))
		fprintf(stderr, "\n");
	uffd_server_stats(srv, &st);
	uffd_server_stop(srv);
	printf("stopped by %s: %llu connections, %llu pages (%llu MiB) served\n",
	       strsignal(sig), (unsigned long long)st.connections,
	       (unsigned long long)st.pages,
	       (unsigned long long)(st.pages * ps >> 20));
	return 0;
}
