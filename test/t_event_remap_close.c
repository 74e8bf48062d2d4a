/* SPDX-License-Identifier: MIT */
/*
 * Closing a uffd unregisters what it registered, also where mremap()
 * moved it (EVENT_REMAP keeps the registration on the moved range): after
 * close(), a never-filled page of the moved range reads zero -- anonymous
 * memory and shmem alike -- and a filled one keeps its contents.
 */
#include "events_util.h"

static void one(bool shmem)
{
	struct ev_call c;
	char *base, out[256];
	int fd, mfd = -1;

	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_EVENT_REMAP);
	base = ev_reserve(16);
	if (shmem) {
		mfd = shm_memfd("t_event_remap_close", 4, 0);
		CHECK(mmap(base, 4 * (size_t)t_page, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_FIXED, mfd, 0) == base);
	} else {
		ev_map_at(base, 4);
	}
	t_register(fd, base, 4, UFFDIO_REGISTER_MODE_MISSING);
	CHECK_OK(t_copy_byte(fd, base + t_page, 0x21, 0));
	c = (struct ev_call){ .op = EV_MREMAP, .addr = base, .len = 4 * (size_t)t_page,
			      .new_len = 4 * (size_t)t_page,
			      .arg = MREMAP_MAYMOVE | MREMAP_FIXED,
			      .new_addr = base + 8 * t_page };
	ev_do(fd, (uintptr_t)base, &c, shmem ? "shmem mremap" : "anon mremap", out,
	      sizeof(out));
	CHECK_MSG(c.ret == base + 8 * t_page, "mremap: %p errno %s", c.ret,
		  t_errname(c.err));
	CHECK_STR(out, "REMAP +0->+8 len 4");
	close(fd);
	/* Unregistered: no message, no signal; a missing page is zero. */
	CHECK_EQ(base[8 * t_page + 5], 0);
	CHECK_EQ(base[9 * t_page + 5], 0x21);
	CHECK_EQ(base[11 * t_page + 5], 0);
	if (mfd >= 0)
		close(mfd);
}

int main(void)
{
	t_init(30);
	t_require(UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_MISSING_SHMEM);
	one(false);
	one(true);
	return 0;
}
