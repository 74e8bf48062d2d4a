/* SPDX-License-Identifier: MIT */
/*
 * A corrupt page: one byte of page 77's data flipped in the image file.
 *
 *   uffd_image_verify finds page 77 and says "checksum mismatch";
 *   the store refuses to return it (EBADMSG) and returns its neighbours;
 *   a pager with ZERO resolves it with a zero page, counts it lost,
 *   and every other page is right; uffd_pager_error names the page;
 *   with SIGBUS (the default) the thread touching it dies of SIGBUS;
 *   with WAIT too: waiting does not mend a corrupt page.
 * A corrupt header or a truncated file does not open at all.
 */
#include "pager_util.h"

#define NPAGES 1024
#define BAD 77

static const char *img;

static void flip(const char *path, uint64_t off)
{
	int fd = open(path, O_RDWR);
	unsigned char c;

	CHECK(fd >= 0);
	CHECK(pread(fd, &c, 1, (off_t)off) == 1);
	c ^= 0x40;
	CHECK(pwrite(fd, &c, 1, (off_t)off) == 1);
	close(fd);
}

static void sigbus_child(void *arg)
{
	enum uffd_pager_on_error *how = arg;
	struct uffd_pager *p;
	char *m;

	tp_no_core();
	p = tp_pager(uffd_store_file_open(img, 0), &(struct uffd_pager_config){
		.flags = UFFD_PAGER_NO_PREFETCH, .on_error = *how });
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK(m);
	tp_touch(m, BAD, NULL);
	tp_touch(m + BAD * (size_t)t_page, 1, NULL);
	_exit(3);
}

int main(void)
{
	struct uffd_pager_stats st;
	struct uffd_image_info info;
	struct uffd_pager *p;
	struct uffd_store *s;
	enum uffd_pager_on_error how;
	uint64_t bad = 0, data_off;
	uint8_t kind[4];
	void *buf;
	size_t i;
	char *m;
	int status;

	t_init(60);
	tp_require_engine();
	img = tp_path("image");
	tp_make_image(img, NPAGES, 0);
	CHECK_OK(uffd_image_info(img, &info));
	CHECK_EQ(info.npages, NPAGES);
	CHECK_EQ(info.data_pages, NPAGES);
	CHECK_OK(uffd_image_verify(img, NULL, NULL, NULL));
	/* Header page, then the table (8 bytes a page, page-rounded). */
	data_off = (uint64_t)t_page + ((NPAGES * 8 + t_page - 1) / t_page) * t_page;
	flip(img, data_off + BAD * (uint64_t)t_page + 1234);

	CHECK_ERR(uffd_image_verify(img, &bad, NULL, NULL), EBADMSG);
	CHECK_EQ(bad, BAD);
	CHECK_MSG(strstr(uffd_pager_diagnostic(), "page 77: checksum mismatch"),
		  "diagnostic: %s", uffd_pager_diagnostic());

	s = uffd_store_file_open(img, 0);
	CHECK(s);
	buf = malloc(4 * (size_t)t_page);
	CHECK_ERR(uffd_store_read(s, BAD - 1, 3, buf, kind), EBADMSG);
	CHECK_OK(uffd_store_read(s, BAD + 1, 3, buf, kind));
	free(buf);
	uffd_store_close(s);

	/* ZERO: the bad page reads as zeros, everything else is right. */
	p = tp_pager(uffd_store_file_open(img, UFFD_STORE_MMAP),
		     &(struct uffd_pager_config){ .on_error = UFFD_ON_ERROR_ZERO });
	m = uffd_pager_map(p, 0, NPAGES, NULL);
	CHECK(m);
	tp_touch(m, NPAGES, NULL);
	CHECK_ERR(uffd_pager_wait(p, 10000), EIO);
	for (i = 0; i < NPAGES; i++)
		CHECK_MSG(tp_page_bad(m + i * (size_t)t_page, i, i == BAD ? 1 : 0) < 0,
			  "page %zu wrong", i);
	CHECK_OK(uffd_pager_stats(p, -1, &st));
	CHECK_EQ(st.lost_pages, 1);
	CHECK_EQ(st.present, NPAGES);
	CHECK_MSG(uffd_pager_error(p) && strstr(uffd_pager_error(p), "page 77"),
		  "error: %s", uffd_pager_error(p) ? uffd_pager_error(p) : "none");
	CHECK_OK(uffd_pager_close(p));
	munmap(m, NPAGES * (size_t)t_page);

	/* SIGBUS, and WAIT (which gives up on corruption all the same). */
	how = UFFD_ON_ERROR_SIGBUS;
	status = t_fork_run(sigbus_child, &how);
	CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
		  "SIGBUS policy: status %#x", status);
	how = UFFD_ON_ERROR_WAIT;
	status = t_fork_run(sigbus_child, &how);
	CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
		  "WAIT policy: status %#x", status);

	/* A damaged header, a truncated file: refused at open. */
	flip(img, 20);
	CHECK_ERR(uffd_store_file_open(img, 0) ? 0 : -1, EBADMSG);
	CHECK_MSG(strstr(uffd_pager_diagnostic(), "corrupt image header"),
		  "diagnostic: %s", uffd_pager_diagnostic());
	flip(img, 20);
	CHECK_OK(truncate(img, (off_t)(data_off + 10 * (uint64_t)t_page)));
	CHECK_ERR(uffd_store_file_open(img, 0) ? 0 : -1, EBADMSG);
	CHECK_MSG(strstr(uffd_pager_diagnostic(), "truncated"),
		  "diagnostic: %s", uffd_pager_diagnostic());
	return 0;
}
