/* SPDX-License-Identifier: MIT */
/*
 * The orphan policy on the kernel engine (src/orphan.c has the API).
 *
 * The kernel tells us neither addresses nor waiters, so a watchdog thread
 * looks at /proc: a thread whose wchan is handle_userfault with the same
 * program counter and fault counts for the whole timeout is stuck.  Then,
 * for the uffds with a policy that have faults outstanding (fdinfo
 * "total:"):
 *	ZEROFILL every range registered since the policy was set is
 *		 unregistered: the waiters retry and get zero pages, and later
 *		 faults are ordinary ones;
 *	SIGBUS	 the stuck threads get SIGBUS (BUS_ADRERR, si_addr unknown:
 *		 NULL), and the ranges move to a second kernel uffd with
 *		 UFFD_FEATURE_SIGBUS, so later faults raise SIGBUS at the
 *		 right address.
 * To know the ranges, every successful REGISTER and UNREGISTER on a kernel
 * uffd is noted (kernel_note_ioctl, from uffd_ioctl() and the shim).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "kernel/kernel.h"
#include "base/real.h"
#include "base/sigchain.h"
#include "base/sys.h"
#include "base/thread.h"

#define MAX_KFDS 64
#define MAX_RANGES 256

struct krange {
	uint64_t start, len, mode;
};

struct kfd {
	_Atomic int used;	/* a kernel uffd we saw REGISTER on */
	_Atomic int fd;
	int policy;
	uint64_t timeout_ns;
	struct krange r[MAX_RANGES];
	int nr;
	bool fired;
};

static pthread_mutex_t k_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kfd kfds[MAX_KFDS];
static _Atomic int k_any;
static bool k_started;

static struct kfd *kfd_find(int fd)
{
	int i;

	for (i = 0; i < MAX_KFDS; i++)
		if (atomic_load(&kfds[i].used) && atomic_load(&kfds[i].fd) == fd)
			return &kfds[i];
	return NULL;
}

/* An entry for kernel uffd @fd (k_lock held); NULL if the table is full. */
static struct kfd *kfd_get(int fd)
{
	struct kfd *k = kfd_find(fd);
	int i;

	for (i = 0; !k && i < MAX_KFDS; i++)
		if (!atomic_load(&kfds[i].used)) {
			k = &kfds[i];
			k->nr = 0;
			k->policy = UFFD_ORPHAN_WAIT;
			k->fired = false;
			atomic_store(&k->fd, fd);
			atomic_store(&k->used, 1);
			atomic_store(&k_any, 1);
		}
	return k;
}

/*
 * Keep the ranges registered on kernel uffds (uffd_ioctl, shim), so that a
 * policy set later still knows them.
 */
void kernel_note_ioctl(int fd, unsigned long request, const void *arg)
{
	const struct uffdio_register *reg = arg;
	const struct uffdio_range *ur = arg;
	struct kfd *k;
	int i;

	if (likely(request != UFFDIO_REGISTER && request != UFFDIO_UNREGISTER))
		return;
	pthread_mutex_lock(&k_lock);
	k = request == UFFDIO_REGISTER ? kfd_get(fd) : kfd_find(fd);
	if (k && request == UFFDIO_REGISTER && k->nr < MAX_RANGES) {
		k->r[k->nr].start = reg->range.start;
		k->r[k->nr].len = reg->range.len;
		k->r[k->nr].mode = reg->mode;
		k->nr++;
	} else if (k) {
		/* Drop the ranges inside what was unregistered. */
		for (i = 0; i < k->nr; i++)
			if (k->r[i].start >= ur->start &&
			    k->r[i].start + k->r[i].len <= ur->start + ur->len)
				k->r[i--] = k->r[--k->nr];
	}
	pthread_mutex_unlock(&k_lock);
}

/* fdinfo "total:" of a kernel uffd: faults unread or unresolved. */
static long kfd_total(int fd)
{
	char path[64], buf[512], *p;
	long total = -1;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = real_open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	n = real_read(f, buf, sizeof(buf) - 1);
	real_close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "total:");
	if (p)
		total = strtol(p + 6, NULL, 10);
	return total;
}

struct stuck {
	pid_t tid;
	char sig[160];		/* pc + fault counts: unchanged = no progress */
	uint64_t since;
};

#define MAX_STUCK 256

/* /proc/self/task/@tid/@name into @buf as a string; false if unreadable. */
static bool read_task_file(pid_t tid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, name);
	f = real_open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	n = real_read(f, buf, len - 1);
	real_close(f);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* Is thread @tid waiting in a uffd fault?  Fills its progress signature. */
static bool thread_in_uffd(pid_t tid, char *sig, size_t len)
{
	char buf[1024], pcs[128] = "", *p;
	unsigned long minflt = 0, majflt = 0;

	if (!read_task_file(tid, "wchan", buf, sizeof(buf)) ||
	    strcmp(buf, "handle_userfault"))
		return false;
	/* Its own fault counts (minflt, majflt: 8th and 10th after ')'). */
	if (!read_task_file(tid, "stat", buf, sizeof(buf)))
		return false;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %lu %*u %lu",
			 &minflt, &majflt) != 2)
		return false;
	/* Where it is: the pc and sp of the faulting instruction ("" if unknown). */
	read_task_file(tid, "syscall", pcs, sizeof(pcs));
	snprintf(sig, len, "%lu %lu %s", minflt, majflt, pcs);
	return true;
}

static void kfire(struct kfd *k, const pid_t *tids, int ntids)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_SIGBUS };
	int i, sfd = -1;

	/*
	 * SIGBUS: signal the stuck threads first.  A signal takes a thread out
	 * of its wait into its handler; unregistering first would wake it to
	 * retry -- and find a zero page -- before the range reached the
	 * SIGBUS uffd.  The handler (base/sigbus.c) holds the signal until
	 * sigbus_release(), so that the application reacts only after the
	 * move; the SIGBUS uffd is ready before the first signal, to keep the
	 * move short.  What remains: a fault by some other thread in the few
	 * microseconds between UNREGISTER and REGISTER gets a zero page.
	 */
	if (k->policy == UFFD_ORPHAN_SIGBUS) {
		sfd = kernel_open(O_CLOEXEC, NULL);
		if (sfd >= 0 && sys_call(SYS_ioctl, sfd, UFFDIO_API, (long)&api,
					     0, 0, 0))
			sfd = -1;
		sigbus_hold();
		for (i = 0; i < ntids; i++)
			sigbus_send_deferred(tids[i]);
	}
	for (i = 0; i < k->nr; i++) {
		struct uffdio_range r = { k->r[i].start, k->r[i].len };
		struct uffdio_register reg = {
			.range = r, .mode = k->r[i].mode,
		};

		sys_call(SYS_ioctl, k->fd, UFFDIO_UNREGISTER, (long)&r, 0, 0, 0);
		if (sfd >= 0)
			sys_call(SYS_ioctl, sfd, UFFDIO_REGISTER, (long)&reg, 0, 0, 0);
		/*
		 * UNREGISTER wakes the range's waiters before it takes the VMA
		 * lock; a fault that queued itself in between would sleep on
		 * for ever (our reading of a t_orphan_sigbus hang in CI on 6.18,
		 * not proven).  Waking again costs one ioctl.
		 */
		sys_call(SYS_ioctl, k->fd, UFFDIO_WAKE, (long)&r, 0, 0, 0);
	}
	sigbus_release();
	/* The second uffd stays open for the process's life. */
	k->fired = true;
}

static void *kwatch_main(void *arg)
{
	static struct stuck st[MAX_STUCK];
	int nst = 0;

	(void)arg;
	for (;;) {
		uint64_t now = now_ns(), period = 0, timeout = 0;
		pid_t fire[MAX_STUCK];
		int nfire = 0, i, j;
		struct dirent *de;
		DIR *d;

		pthread_mutex_lock(&k_lock);
		for (i = 0; i < MAX_KFDS; i++)
			if (atomic_load(&kfds[i].used) && kfds[i].policy &&
			    !kfds[i].fired &&
			    (!timeout || kfds[i].timeout_ns < timeout))
				timeout = kfds[i].timeout_ns;
		pthread_mutex_unlock(&k_lock);
		period = timeout ? timeout / 4 : 1000000000ULL;
		{
			struct timespec ts = { (time_t)(period / 1000000000ULL),
					       (long)(period % 1000000000ULL) };

			nanosleep(&ts, NULL);
		}
		if (!timeout)
			continue;

		/* Threads waiting in a uffd fault, and for how long unchanged. */
		d = opendir("/proc/self/task");
		if (!d)
			continue;
		{
			struct stuck cur[MAX_STUCK];
			int ncur = 0;

			while ((de = readdir(d)) && ncur < MAX_STUCK) {
				pid_t tid = (pid_t)atoi(de->d_name);
				char sig[160];

				if (tid <= 0 || !thread_in_uffd(tid, sig, sizeof(sig)))
					continue;
				cur[ncur].tid = tid;
				snprintf(cur[ncur].sig, sizeof(cur[ncur].sig), "%s", sig);
				cur[ncur].since = now;
				for (j = 0; j < nst; j++)
					if (st[j].tid == tid && !strcmp(st[j].sig, sig))
						cur[ncur].since = st[j].since;
				if (now - cur[ncur].since >= timeout)
					fire[nfire++] = tid;
				ncur++;
			}
			closedir(d);
			memcpy(st, cur, (size_t)ncur * sizeof(cur[0]));
			nst = ncur;
		}
		if (!nfire)
			continue;
		pthread_mutex_lock(&k_lock);
		for (i = 0; i < MAX_KFDS; i++) {
			struct kfd *k = &kfds[i];

			if (atomic_load(&k->used) && k->policy && !k->fired &&
			    kfd_total(k->fd) > 0)
				kfire(k, fire, nfire);
		}
		pthread_mutex_unlock(&k_lock);
	}
	return NULL;
}

static int kwatch_start(void)
{
	int err;

	if (k_started)
		return 0;
	err = thread_start_quiet(kwatch_main, 128 * 1024);
	if (!err)
		k_started = true;
	return err;
}

/* uffd_set_orphan_policy() for a kernel uffd: 0 or -errno. */
int kernel_set_orphan_policy(int fd, enum uffd_orphan_policy policy,
			     uint64_t timeout_ns)
{
	struct kfd *k;
	int err = 0;

	pthread_mutex_lock(&k_lock);
	k = kfd_get(fd);
	if (!k) {
		err = -ENOMEM;
	} else {
		k->policy = (int)policy;
		k->timeout_ns = timeout_ns;
		k->fired = false;
		if (policy != UFFD_ORPHAN_WAIT) {
			atomic_store(&k_any, 1);
			err = kwatch_start();
		}
		if (!err && policy == UFFD_ORPHAN_SIGBUS)
			err = sigbus_take_over();
	}
	pthread_mutex_unlock(&k_lock);
	return err;
}

/* A kernel uffd we know was closed (checked without the lock first). */
void kernel_forget_fd(int fd)
{
	struct kfd *k;

	if (likely(!atomic_load_explicit(&k_any, memory_order_relaxed)) ||
	    !kfd_find(fd))
		return;
	pthread_mutex_lock(&k_lock);
	k = kfd_find(fd);
	if (k)
		atomic_store(&k->used, 0);
	pthread_mutex_unlock(&k_lock);
}
