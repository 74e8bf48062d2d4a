/*
 * Events come only for the features requested at UFFDIO_API (spec 11.1),
 * each event type gated by its own bit: a uffd with EVENT_REMOVE alone
 * sees no UNMAP for munmap() or mremap() shrink, and no REMAP for a
 * moving mremap(); one with EVENT_UNMAP alone sees no REMOVE for
 * MADV_DONTNEED; one with no feature sees none of them.  The calls
 * themselves complete without anyone reading the uffd.
 */
#include "events_util.h"

static void run(int fd, char *base, struct ev_call *c, const char *what,
		const char *expect)
{
	char out[256];

	ev_do(fd, (uintptr_t)base, c, what, out, sizeof(out));
	CHECK_MSG(c->ret != MAP_FAILED && (c->op == EV_MREMAP || c->ret == 0),
		  "%s failed: %s", what, t_errname(c->err));
	CHECK_STR(out, expect);
}

int main(void)
{
	static const uint64_t feats[3] = {
		UFFD_FEATURE_EVENT_REMOVE, UFFD_FEATURE_EVENT_UNMAP, 0,
	};
	struct ev_call c;
	char *base;
	int fd, i, u;

	t_init(30);
	t_require(UFFD_FEATURE_EVENT_REMOVE | UFFD_FEATURE_EVENT_UNMAP);
	for (i = 0; i < 3; i++) {
		printf("features %#llx\n", (unsigned long long)feats[i]);
		fd = t_open_api(O_CLOEXEC | O_NONBLOCK, feats[i]);
		base = ev_reserve(16);
		ev_map_at(base, 8);
		t_register(fd, base, 8, UFFDIO_REGISTER_MODE_MISSING);
		u = feats[i] == UFFD_FEATURE_EVENT_UNMAP;

		c = (struct ev_call){ .op = EV_MADVISE, .addr = base,
				      .len = 2 * (size_t)t_page, .arg = MADV_DONTNEED };
		run(fd, base, &c, "  DONTNEED +0..+2",
		    feats[i] == UFFD_FEATURE_EVENT_REMOVE ? "REMOVE +0..+2" : "");

		c = (struct ev_call){ .op = EV_MUNMAP, .addr = base + 7 * t_page,
				      .len = (size_t)t_page };
		run(fd, base, &c, "  munmap +7", u ? "UNMAP +7..+8" : "");

		c = (struct ev_call){ .op = EV_MREMAP, .addr = base + 4 * t_page,
				      .len = 3 * (size_t)t_page,
				      .new_len = 2 * (size_t)t_page };
		run(fd, base, &c, "  mremap shrink +4..+7 to 2", u ? "UNMAP +6..+7" : "");

		c = (struct ev_call){ .op = EV_MREMAP, .addr = base, .len = 2 * (size_t)t_page,
				      .new_len = 2 * (size_t)t_page,
				      .arg = MREMAP_MAYMOVE | MREMAP_FIXED,
				      .new_addr = base + 10 * t_page };
		/* No REMAP without EVENT_REMAP (only the old range's UNMAP). */
		run(fd, base, &c, "  mremap move +0..+2 to +10", u ? "UNMAP +0..+2" : "");
		CHECK(c.ret == base + 10 * t_page);
		close(fd);
	}
	return 0;
}
