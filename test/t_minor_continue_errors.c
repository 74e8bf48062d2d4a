/*
 * UFFDIO_CONTINUE errors (spec 7.1, 7.3, 7.6): a page in no page cache
 * -> EFAULT, mapped == -14; unknown mode bit or unaligned start -> EINVAL
 * with mapped untouched; MODE_WP on a VMA without WP mode -> EINVAL/-22;
 * an unregistered shmem mapping -> ENOENT/-2; anonymous memory (even
 * registered) -> EINVAL/-22; a page already mapped -> EEXIST/-17.
 */
#include "events_util.h"

int main(void)
{
	int64_t mapped;
	char *reg, *alias, *anon;
	int fd, mfd;

	t_init(30);
	t_require(UFFD_FEATURE_MINOR_SHMEM);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_MINOR_SHMEM);
	mfd = shm_memfd("t_minor_continue_errors", 2, 0);
	reg = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	alias = shm_map(mfd, 2 * (size_t)t_page, MAP_SHARED);
	anon = t_map(1);
	alias[0] = 0x30;			/* page 0 cached, page 1 not */
	t_register(fd, reg, 2, UFFDIO_REGISTER_MODE_MINOR);
	t_register(fd, anon, 1, UFFDIO_REGISTER_MODE_MISSING);

	CHECK_ERR(t_continue(fd, reg + t_page, (size_t)t_page, 0, &mapped), EFAULT);
	CHECK_EQ(mapped, -EFAULT);
	CHECK_ERR(t_continue(fd, reg, (size_t)t_page, 4, &mapped), EINVAL);
	CHECK_EQ(mapped, 0x7777);
	CHECK_ERR(t_continue(fd, reg + 8, (size_t)t_page, 0, &mapped), EINVAL);
	CHECK_EQ(mapped, 0x7777);
	CHECK_ERR(t_continue(fd, reg, (size_t)t_page, UFFDIO_CONTINUE_MODE_WP, &mapped),
		  EINVAL);
	CHECK_EQ(mapped, -EINVAL);
	CHECK_ERR(t_continue(fd, alias, (size_t)t_page, 0, &mapped), ENOENT);
	CHECK_EQ(mapped, -ENOENT);
	CHECK_ERR(t_continue(fd, anon, (size_t)t_page, 0, &mapped), EINVAL);
	CHECK_EQ(mapped, -EINVAL);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);

	CHECK_OK(t_continue(fd, reg, (size_t)t_page, 0, &mapped));
	CHECK_EQ(mapped, t_page);
	CHECK_EQ(reg[0], 0x30);
	CHECK_ERR(t_continue(fd, reg, (size_t)t_page, 0, &mapped), EEXIST);
	CHECK_EQ(mapped, -EEXIST);
	ev_none(fd, "end");
	close(fd);
	close(mfd);
	return 0;
}
