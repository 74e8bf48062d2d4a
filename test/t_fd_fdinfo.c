/* SPDX-License-Identifier: MIT */
/*
 * /proc/self/fdinfo/N of a uffd (spec 2.1): the generic lines -- pos 0,
 * the open flags in octal with O_CLOEXEC, the mount of anonymous inodes
 * (an eventfd's), the inode number fstat() gives -- then "pending:"
 * (faults unread), "total:" (unread, or read and not resolved) and
 * "API:\taa:<features>:80000000000001ff", the features 0 before
 * UFFDIO_API and the requested ones with bit 31 after.  Read with open()
 * and read(), and with fopen().
 */
#include "harness.h"
#include <sys/eventfd.h>
#include <sys/stat.h>

static void fdinfo(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	CHECK_OK(f);
	n = read(f, buf, len - 1);
	CHECK(n > 0);
	buf[n] = 0;
	close(f);
}

/* The value of line @key ("mnt_id:") in @text. */
static const char *field(const char *text, const char *key, char *out, size_t len)
{
	const char *p = strstr(text, key);
	size_t k = 0;

	CHECK_MSG(p, "no %s in:\n%s", key, text);
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;
	while (*p && *p != '\n' && k + 1 < len)
		out[k++] = *p++;
	out[k] = 0;
	return out;
}

#define CHECK_FIELD(text, key, want) do { char _v[64]; \
	field(text, key, _v, sizeof(_v)); \
	CHECK_MSG(!strcmp(_v, want), "%s '%s', expected '%s'", key, _v, want); } while (0)

int main(void)
{
	char text[1024], want[64], ev[1024], mnt[64], line[256];
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_THREAD_ID };
	struct t_toucher t;
	struct uffd_msg m;
	struct stat st;
	FILE *f;
	int fd, efd, lines = 0;
	char *p;

	t_init(30);
	fd = t_open(O_CLOEXEC | O_NONBLOCK);
	CHECK_OK(fstat(fd, &st));
	efd = eventfd(0, EFD_CLOEXEC);
	CHECK_OK(efd);
	fdinfo(efd, ev, sizeof(ev));
	field(ev, "mnt_id:", mnt, sizeof(mnt));

	fdinfo(fd, text, sizeof(text));
	printf("%s", text);
	CHECK(!strncmp(text, "pos:\t0\nflags:\t02004000\nmnt_id:\t", 30));
	CHECK_FIELD(text, "mnt_id:", mnt);
	snprintf(want, sizeof(want), "%lu", (unsigned long)st.st_ino);
	CHECK_FIELD(text, "ino:", want);
	CHECK_FIELD(text, "pending:", "0");
	CHECK_FIELD(text, "total:", "0");
	CHECK_FIELD(text, "API:", "aa:0:80000000000001ff");

	if (uffd_ioctl(fd, UFFDIO_API, &api))
		t_fail(__FILE__, __LINE__, "UFFDIO_API: %s", t_errname(errno));
	fdinfo(fd, text, sizeof(text));
	CHECK_FIELD(text, "API:", "aa:80000100:80000000000001ff");

	p = t_map(2);
	t_register(fd, p, 2, UFFDIO_REGISTER_MODE_MISSING);
	t_touch_start(&t, p + 5, 0, 0);
	CHECK(t_poll(fd, POLLIN, 5000) & POLLIN);
	fdinfo(fd, text, sizeof(text));
	CHECK_FIELD(text, "pending:", "1");
	CHECK_FIELD(text, "total:", "1");
	CHECK_EQ(read(fd, &m, sizeof(m)), (ssize_t)sizeof(m));
	fdinfo(fd, text, sizeof(text));
	CHECK_FIELD(text, "pending:", "0");
	CHECK_FIELD(text, "total:", "1");
	CHECK_OK(t_copy_byte(fd, p, 0x55, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);
	fdinfo(fd, text, sizeof(text));
	CHECK_FIELD(text, "pending:", "0");
	CHECK_FIELD(text, "total:", "0");

	/* Through stdio, and without O_NONBLOCK / FD_CLOEXEC on a dup. */
	{
		char path[64];
		int d = fcntl(fd, F_DUPFD, 0);

		CHECK_OK(d);
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", d);
		f = fopen(path, "r");
		CHECK(f);
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "flags:", 6))
				CHECK_MSG(!strcmp(line, "flags:\t04000\n"), "%s", line);
			lines++;
		}
		fclose(f);
		CHECK_EQ(lines, 7);
		close(d);
	}
	close(efd);
	close(fd);
	return 0;
}
