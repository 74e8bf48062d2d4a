/* SPDX-License-Identifier: MIT */
/*
 * Pager, Redis store: a real redis-server started here (UNIX socket in a
 * scratch directory, no TCP port, no persistence), a 16 MiB image imported
 * into it, restored with prefetch and demand-only, checked word by word;
 * then a corrupted key is caught by its checksum, a missing prefix and a
 * dead server give clear errors, and a restore whose server died ends in
 * its policy's outcome instead of waiting.  Skipped, with the reason, when
 * redis-server is not installed or libuffd was built without hiredis
 * (scripts/deps-pager.sh installs both).
 */
#include "redis_util.h"

#define NPAGES 4096
#define ZERO_EVERY 4

static void restore(const char *addr, unsigned flags)
{
	struct uffd_pager_stats st;
	struct uffd_pager *p;
	size_t *order = tp_shuffle(NPAGES, 5);
	char *m;

	p = tp_pager(uffd_store_redis_open(addr, "t", 2000),
		     &(struct uffd_pager_config){ .flags = flags });
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK_MSG(m, "uffd_pager_map: %s", uffd_pager_diagnostic());
	tp_touch(m, NPAGES, order);
	CHECK_MSG(uffd_pager_wait(p, 20000) == 0, "wait: %s", uffd_pager_diagnostic());
	tp_verify(m, NPAGES, 0, ZERO_EVERY);
	CHECK_OK(uffd_pager_stats(p, -1, &st));
	CHECK_EQ(st.present, NPAGES);
	CHECK_EQ(st.store_errors, 0);
	if (flags & UFFD_PAGER_NO_PREFETCH)
		CHECK_EQ(st.demand_pages, NPAGES);
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);
	free(order);
}

int main(void)
{
	const char *bin, *img, *sock;
	struct uffd_store *s;
	char addr[160], cmd[512];
	uint8_t kind[1];
	void *buf;

	t_init(60);
	tp_require_engine();
	bin = find_redis();
	if (!bin)
		t_skip("redis-server not installed (scripts/deps-pager.sh installs it)");
	s = uffd_store_redis_open("unix:/nonexistent", "t", 100);
	if (!s && errno == ENOTSUP)
		t_skip("libuffd built without hiredis (install libhiredis-dev, rebuild)");
	CHECK(!s);

	img = tp_path("image");
	tp_make_image(img, NPAGES, ZERO_EVERY);
	sock = tp_path("redis.sock");
	start_redis(bin, sock);
	snprintf(addr, sizeof(addr), "unix:%s", sock);

	/* Nothing imported yet: a clear error. */
	CHECK_ERR(uffd_store_redis_open(addr, "t", 2000) ? 0 : -1, ENOENT);
	CHECK_MSG(strstr(uffd_pager_diagnostic(), "no image under prefix"),
		  "diagnostic: %s", uffd_pager_diagnostic());

	CHECK_MSG(uffd_store_redis_import(addr, "t", img) == 0, "import: %s",
		  uffd_pager_diagnostic());
	restore(addr, 0);
	restore(addr, UFFD_PAGER_NO_PREFETCH);

	/* A damaged page is caught by its checksum. */
	snprintf(cmd, sizeof(cmd), "redis-cli -s %s SETRANGE t:10 100 X >/dev/null 2>&1",
		 sock);
	if (system(cmd) == 0) {
		s = uffd_store_redis_open(addr, "t", 2000);
		CHECK(s);
		buf = malloc((size_t)t_page);
		CHECK_ERR(uffd_store_read(s, 10, 1, buf, kind), EBADMSG);
		CHECK_MSG(strstr(uffd_pager_diagnostic(), "checksum mismatch"),
			  "diagnostic: %s", uffd_pager_diagnostic());
		CHECK_OK(uffd_store_read(s, 11, 1, buf, kind));
		free(buf);
		uffd_store_close(s);
	}

	/* The server gone: an error, not a hang. */
	s = uffd_store_redis_open(addr, "t", 1000);
	CHECK(s);
	stop_redis();
	buf = malloc((size_t)t_page);
	CHECK(uffd_store_read(s, 11, 1, buf, kind) == -1);
	CHECK_MSG(strstr(uffd_pager_diagnostic(), "redis"), "diagnostic: %s",
		  uffd_pager_diagnostic());
	free(buf);
	uffd_store_close(s);

	/* Gone under a restore: the prefetcher meets it and the restore ends
	 * in its outcome (EIO, a fault gets zeros) within timeout_ms. */
	start_redis(bin, sock);
	CHECK_MSG(uffd_store_redis_import(addr, "t", img) == 0, "import: %s",
		  uffd_pager_diagnostic());
	s = uffd_store_redis_open(addr, "t", 500);
	CHECK(s);
	stop_redis();
	{
		struct uffd_pager *p = tp_pager(s, &(struct uffd_pager_config){
			.on_error = UFFD_ON_ERROR_ZERO, .timeout_ms = 300 });
		char *m = uffd_pager_map(p, 0, NPAGES, NULL);

		CHECK(m);
		CHECK_ERR(uffd_pager_wait(p, 20000), EIO);
		CHECK_MSG(uffd_pager_error(p) && strstr(uffd_pager_error(p), "redis"),
			  "error: %s", uffd_pager_error(p) ? uffd_pager_error(p) : "none");
		CHECK(tp_page_bad(m + 7 * (size_t)t_page, 7, 1) < 0);
		CHECK_OK(uffd_pager_close(p));
		munmap(m, NPAGES * (size_t)t_page);
	}
	return 0;
}
