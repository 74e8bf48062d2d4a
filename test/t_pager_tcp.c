/* SPDX-License-Identifier: MIT */
/*
 * Pager, page-server store: a 16 MiB image served by uffd_server_start()
 * over TCP (127.0.0.1, port chosen by the kernel) and over a UNIX socket,
 * restored and checked word by word: with full prefetch, and demand only
 * with random touches from two threads (every page one round trip).  The
 * server's counters agree with what the pager fetched.
 */
#include "pager_util.h"

#define NPAGES 4096
#define ZERO_EVERY 3

struct toucher {
	const char *base;
	const size_t *order;
	size_t n;
	pthread_t t;
};

static void *touch_main(void *arg)
{
	struct toucher *t = arg;

	tp_touch(t->base, t->n, t->order);
	return NULL;
}

static void restore(const char *addr, unsigned flags)
{
	struct uffd_pager_stats st;
	struct uffd_pager *p;
	struct toucher t[2];
	size_t *order = tp_shuffle(NPAGES, 99);
	char *m;
	int k;

	p = tp_pager(uffd_store_tcp_open(addr, 0, 5000),
		     &(struct uffd_pager_config){ .flags = flags });
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK_MSG(m, "uffd_pager_map: %s", uffd_pager_diagnostic());
	for (k = 0; k < 2; k++) {
		t[k] = (struct toucher){ .base = m, .order = order + k * NPAGES / 2,
					 .n = NPAGES / 2 };
		CHECK(pthread_create(&t[k].t, NULL, touch_main, &t[k]) == 0);
	}
	for (k = 0; k < 2; k++)
		pthread_join(t[k].t, NULL);
	CHECK_MSG(uffd_pager_wait(p, 20000) == 0, "wait: %s", uffd_pager_diagnostic());
	tp_verify(m, NPAGES, 0, ZERO_EVERY);
	CHECK_OK(uffd_pager_stats(p, -1, &st));
	CHECK_EQ(st.present, NPAGES);
	CHECK_EQ(st.store_errors, 0);
	CHECK_EQ(st.demand_pages + st.prefetch_pages, NPAGES);
	if (flags & UFFD_PAGER_NO_PREFETCH)
		CHECK_EQ(st.demand_pages, NPAGES);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
	free(order);
}

int main(void)
{
	struct uffd_server_stats ss;
	struct uffd_server *srv, *usrv;
	const char *img;
	char uaddr[128];

	t_init(60);
	tp_require_engine();
	img = tp_path("image");
	tp_make_image(img, NPAGES, ZERO_EVERY);

	srv = uffd_server_start("127.0.0.1:0", img);
	CHECK_MSG(srv, "uffd_server_start: %s", uffd_pager_diagnostic());
	CHECK(strncmp(uffd_server_address(srv), "127.0.0.1:", 10) == 0);
	CHECK(strcmp(uffd_server_address(srv), "127.0.0.1:0"));
	snprintf(uaddr, sizeof(uaddr), "unix:%s", tp_path("sock"));
	usrv = uffd_server_start(uaddr, img);
	CHECK_MSG(usrv, "uffd_server_start: %s", uffd_pager_diagnostic());

	restore(uffd_server_address(srv), 0);
	restore(uffd_server_address(srv), UFFD_PAGER_NO_PREFETCH);
	restore(uaddr, 0);

	uffd_server_stats(srv, &ss);
	CHECK(ss.connections >= 2);
	CHECK(ss.pages >= 2 * NPAGES);
	uffd_server_stop(srv);
	uffd_server_stop(usrv);

	/* Nobody listening: a clear error at once, no hang. */
	CHECK_ERR(uffd_store_tcp_open(uaddr, 0, 1000) ? 0 : -1, ENOENT);
	CHECK_MSG(strstr(uffd_pager_diagnostic(), "page server"),
		  "diagnostic: %s", uffd_pager_diagnostic());
	return 0;
}
