/* SPDX-License-Identifier: MIT */
/*
 * select() and pselect() on a uffd, as the kernel's do_select() asks
 * userfaultfd_poll(): without O_NONBLOCK (POLLERR) it is readable and
 * writable at once (2 bits); with O_NONBLOCK it is not ready while nothing
 * is queued (the timeout runs out: 0), readable only (1 bit) while a
 * fault is, and not ready again once the message is read.  A descriptor
 * that is not open in the sets gives EBADF.
 */
#include "harness.h"
#include <sys/select.h>

int main(void)
{
	struct timespec ts = { 0, 0 };
	struct timeval tv;
	struct t_toucher t;
	struct uffd_msg m;
	fd_set rd, wr;
	int fd, nb, r;
	char *p;

	t_init(60);
	fd = t_open_api(O_CLOEXEC, 0);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(fd, &rd);
	FD_SET(fd, &wr);
	tv = (struct timeval){ 5, 0 };
	CHECK_EQ(select(fd + 1, &rd, &wr, NULL, &tv), 2);
	CHECK(FD_ISSET(fd, &rd) && FD_ISSET(fd, &wr));

	nb = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	FD_ZERO(&rd);
	FD_SET(nb, &rd);
	tv = (struct timeval){ 0, 20000 };
	CHECK_EQ(select(nb + 1, &rd, NULL, NULL, &tv), 0);
	CHECK(!FD_ISSET(nb, &rd));

	p = t_map(1);
	t_register(nb, p, 1, UFFDIO_REGISTER_MODE_MISSING);
	t_touch_start(&t, p, 0, 0);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(nb, &rd);
	FD_SET(nb, &wr);
	tv = (struct timeval){ 5, 0 };
	r = select(nb + 1, &rd, &wr, NULL, &tv);
	CHECK_EQ(r, 1);
	CHECK(FD_ISSET(nb, &rd) && !FD_ISSET(nb, &wr));
	FD_ZERO(&rd);
	FD_SET(nb, &rd);
	CHECK_EQ(pselect(nb + 1, &rd, NULL, NULL, &ts, NULL), 1);
	CHECK_EQ(read(nb, &m, sizeof(m)), (ssize_t)sizeof(m));
	FD_ZERO(&rd);
	FD_SET(nb, &rd);
	CHECK_EQ(pselect(nb + 1, &rd, NULL, NULL, &ts, NULL), 0);
	CHECK_OK(t_copy_byte(nb, p, 0x31, 0));
	CHECK(t_touch_wait(&t, 5000));
	t_touch_join(&t);

	/* A closed descriptor in the sets. */
	r = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK_OK(r);
	CHECK_OK(close(r));
	FD_ZERO(&rd);
	FD_SET(nb, &rd);
	FD_SET(r, &rd);
	CHECK_ERR(select((r > nb ? r : nb) + 1, &rd, NULL, NULL, &tv), EBADF);
	close(nb);
	close(fd);
	return 0;
}
