/*
 * MISSING faults on a private MAP_HUGETLB mapping (spec 7.3-7.5, 9.2): a
 * read at +0x1234 into the second 2 MiB page gives one message whose
 * address is the 2 MiB-aligned start of that page; UFFDIO_COPY of 4 KiB,
 * or of 2 MiB at a start 4 KiB past a huge page, -> EINVAL with -22 in the
 * field; UFFDIO_ZEROPAGE -> EINVAL/-22; a 2 MiB COPY resolves it
 * (copy == 2097152) and the reader sees the data; a second COPY ->
 * EEXIST/-17.  Sets up its own hugetlb pool.
 */
#include "events_util.h"

int main(void)
{
	struct uffdio_zeropage z;
	struct uffdio_copy c;
	struct t_toucher t;
	struct uffd_msg m;
	char *p, *src;
	int fd;

	t_init(60);
	hp_setup(4, 60);
	t_require(UFFD_FEATURE_MISSING_HUGETLBFS);
	fd = t_open_api(O_CLOEXEC | O_NONBLOCK, 0);
	p = mmap(NULL, 2 * HP_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	CHECK_MSG(p != MAP_FAILED, "mmap(MAP_HUGETLB): %s", t_errname(errno));
	src = mmap(NULL, HP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	CHECK(src != MAP_FAILED);
	memset(src, 0x61, HP_SIZE);
	src[HP_SIZE - 1] = 0x62;
	CHECK_HEX(t_register(fd, p, 2 * HP_SIZE / (size_t)t_page,
			     UFFDIO_REGISTER_MODE_MISSING), 0x10c);

	t_touch_start(&t, p + HP_SIZE + 0x1234, 0, 0);
	CHECK(t_read_msg(fd, &m, 5000));
	printf("fault at +%#llx (touched +%#zx)\n",
	       (unsigned long long)(m.arg.pagefault.address - (uintptr_t)p),
	       HP_SIZE + 0x1234);
	CHECK_EQ(m.event, UFFD_EVENT_PAGEFAULT);
	CHECK_HEX(m.arg.pagefault.flags, 0);
	CHECK_HEX(m.arg.pagefault.address, (uintptr_t)p + HP_SIZE);

	c = (struct uffdio_copy){ (uintptr_t)p + HP_SIZE, (uintptr_t)src,
				  (uint64_t)t_page, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EINVAL);
	CHECK_EQ(c.copy, -EINVAL);
	c = (struct uffdio_copy){ (uintptr_t)p + (uintptr_t)t_page,
				  (uintptr_t)src, HP_SIZE, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EINVAL);
	CHECK_EQ(c.copy, -EINVAL);
	z = (struct uffdio_zeropage){ { (uintptr_t)p + HP_SIZE, HP_SIZE }, 0, 0x7777 };
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_ZEROPAGE, &z), EINVAL);
	CHECK_EQ(z.zeropage, -EINVAL);
	CHECK(!t_touch_done(&t));

	c = (struct uffdio_copy){ (uintptr_t)p + HP_SIZE, (uintptr_t)src, HP_SIZE, 0, 0 };
	CHECK_OK(uffd_ioctl(fd, UFFDIO_COPY, &c));
	CHECK_EQ(c.copy, (long long)HP_SIZE);
	CHECK(t_touch_wait(&t, 5000));
	CHECK_EQ(t.seen, 0x61);
	t_touch_join(&t);
	CHECK_EQ(p[2 * HP_SIZE - 1], 0x62);
	CHECK_ERR(uffd_ioctl(fd, UFFDIO_COPY, &c), EEXIST);
	CHECK_EQ(c.copy, -EEXIST);
	CHECK_EQ(t_poll(fd, POLLIN, 0), 0);
	close(fd);
	return 0;
}
