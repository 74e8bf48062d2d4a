/* SPDX-License-Identifier: MIT */
/*
 * Bit 57 of /proc/self/pagemap across fork() (the kernel selftests
 * "wp-fork" and "wp-fork-with-event"): with UFFD_FEATURE_EVENT_FORK the
 * child's own pagemap keeps it, on a protected present page and on a
 * marker; without EVENT_FORK the child's protection, and the bit, are
 * dropped.  Anonymous and shared memory.
 */
#include "pagemap_util.h"

static char *p;
static bool shared;

/* The child reads its own pagemap: exit 0 when bit 57 is as @arg says. */
static void child(void *arg)
{
	bool with_event = arg != NULL;
	int pm = open("/proc/self/pagemap", O_RDONLY);
	uint64_t want = with_event ? UFFD_PM_UFFD_WP : 0;

	alarm(10);
	if (pm < 0)
		_exit(10);
	if ((pm_flags(pm, p) & UFFD_PM_UFFD_WP) != want)
		_exit(11);
	if ((pm_flags(pm, p + t_page) & UFFD_PM_UFFD_WP) != want)
		_exit(12);
	_exit(0);
}

struct reader {
	int fd;
	pthread_t thread;
	struct uffd_msg m;
	bool ok;
};

static void *read_fork_event(void *arg)
{
	struct reader *r = arg;

	r->ok = t_read_msg(r->fd, &r->m, 10000);
	return NULL;
}

static void one(bool with_event)
{
	uint64_t feat = UFFD_FEATURE_WP_UNPOPULATED |
			(with_event ? UFFD_FEATURE_EVENT_FORK : 0);
	int fd = t_open_api(O_CLOEXEC | O_NONBLOCK, feat), pm = pm_open(), st;
	struct reader r = { .fd = fd };

	p = shared ? pm_map_shmem(2) : t_map(2);
	p[0] = 1;
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_WP);
	pm_wp(fd, p, 2, 1);
	CHECK_HEX(pm_flags(pm, p) & (UFFD_PM_PRESENT | UFFD_PM_UFFD_WP), UFFD_PM_PRESENT | UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_flags(pm, p + t_page), UFFD_PM_SWAP | UFFD_PM_UFFD_WP);
	if (with_event)
		CHECK_EQ(pthread_create(&r.thread, NULL, read_fork_event, &r), 0);
	st = t_fork_run(child, with_event ? (void *)1 : NULL);
	if (with_event) {
		CHECK_EQ(pthread_join(r.thread, NULL), 0);
		CHECK(r.ok);
		CHECK_EQ(r.m.event, UFFD_EVENT_FORK);
		close((int)r.m.arg.fork.ufd);
	}
	CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s child: status %#x",
		  with_event ? "EVENT_FORK" : "plain", st);
	/* The parent's protection is untouched. */
	CHECK_HEX(pm_flags(pm, p) & UFFD_PM_UFFD_WP, UFFD_PM_UFFD_WP);
	CHECK_HEX(pm_flags(pm, p + t_page), UFFD_PM_SWAP | UFFD_PM_UFFD_WP);
	close(fd);
	close(pm);
	munmap(p, 2 * (size_t)t_page);
}

int main(void)
{
	t_init(60);
#if defined(__SANITIZE_ADDRESS__)
	/* As t_event_selftest_fork: the EVENT_FORK child starts a thread. */
	if (!strcmp(t_engine_name, "emulated"))
		t_skip("under ASan: its allocator is not fork-safe and the child starts a thread");
#endif
	t_require(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_UNPOPULATED |
		  UFFD_FEATURE_EVENT_FORK);
	for (shared = false; ; shared = true) {
		one(false);
		one(true);
		if (shared)
			break;
	}
	return 0;
}
