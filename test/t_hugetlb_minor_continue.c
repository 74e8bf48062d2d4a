/*
 * MINOR on a hugetlb memfd (MFD_HUGETLB, spec 7.6, 9.1, 4.4): one mapping
 * registered MINOR (ioctls 0x18c), the page cache filled through a
 * second, unregistered mapping.  A read at +0x1234 into the second huge
 * page gives a MINOR fault (0x4) at the 2 MiB-aligned address;
 * UFFDIO_CONTINUE of 4 KiB -> EINVAL/-22; the handler changes the page
 * through the other mapping and CONTINUEs 2 MiB (mapped == 2097152); the
 * reader sees the new contents; a second CONTINUE -> EEXIST/-17.  Sets up
 * its own hugetlb pool.
 */
#include "events_util.h"

int main(void)
{
	struct t_toucher t;
	struct uffd_msg m;
	int64_t mapped;
	char *reg, *alias;
	int fd, mfd;

	t_init(60);
	hp_setup(4, 60);
	t_require(UFFD_FEATURE_MINOR_HUGETLBFS);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, UFFD_FEATURE_MINOR_HUGETLBFS);
	mfd = memfd_create("t_hugetlb_minor_continue", MFD_CLOEXEC | MFD_HUGETLB);
	CHECK_MSG(mfd >= 0, "memfd_create(MFD_HUGETLB): %s", t_errname(errno));
	CHECK_OK(ftruncate(mfd, 2 * (off_t)HP_SIZE));
	reg = mmap(NULL, 2 * HP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	CHECK(reg != MAP_FAILED);
	alias = mmap(NULL, 2 * HP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	CHECK(alias != MAP_FAILED);
	memset(alias, 0x70, 2 * HP_SIZE);
	CHECK_HEX(t_register(fd, reg, 2 * HP_SIZE / (size_t)t_page,
			     UFFDIO_REGISTER_MODE_MINOR), 0x18c);

	t_touch_start(&t, reg + HP_SIZE + 0x1234, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	printf("fault at +%#llx flags %#llx (touched +%#zx)\n",
	       (unsigned long long)(m.arg.pagefault.address - (uintptr_t)reg),
	       (unsigned long long)m.arg.pagefault.flags, HP_SIZE + 0x1234);
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, UFFD_PAGEFAULT_FLAG_MINOR);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)reg + HP_SIZE);

	CHECK_ERR(t_continue(fd, reg + HP_SIZE, (size_t)t_page, 0, &mapped), EINVAL);
	CHECK_EQ(mapped, -EINVAL);
	CHECK(!t_touch_done(&t));
	alias[HP_SIZE + 0x1234] = 0x71;
	alias[2 * HP_SIZE - 1] = 0x72;
	CHECK_OK(t_continue(fd, reg + HP_SIZE, HP_SIZE, 0, &mapped));
	CHECK_EQ(mapped, (long long)HP_SIZE);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x71);
	t_touch_join(&t);
	CHECK_EQ(reg[2 * HP_SIZE - 1], 0x72);
	CHECK_EQ(reg[HP_SIZE + 5], 0x70);
	CHECK_ERR(t_continue(fd, reg + HP_SIZE, HP_SIZE, 0, &mapped), EEXIST);
	CHECK_EQ(mapped, -EEXIST);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	close(mfd);
	return 0;
}
