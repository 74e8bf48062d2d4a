/* uffd_engine() names the engine of a uffd ($UFFD_ENGINE) and is NULL for other descriptors. */
#include "harness.h"

int main(void)
{
	const char *name;
	int fd, d, p[2], reg;
	char path[] = "/tmp/t_open_engine_nameXXXXXX";

	t_init(30);
	fd = t_open(O_CLOEXEC);
	name = uffd_engine(fd);
	CHECK(name != NULL);
	if (!strcmp(t_engine_name, "auto"))
		CHECK(!strcmp(name, "kernel") || !strcmp(name, "emulated"));
	else
		CHECK_MSG(!strcmp(name, t_engine_name), "uffd_engine = %s, expected %s",
			  name, t_engine_name);

	/* A duplicate refers to the same userfaultfd. */
	d = dup(fd);
	CHECK(d >= 0);
	CHECK(uffd_engine(d) != NULL && !strcmp(uffd_engine(d), name));
	close(d);

	CHECK_OK(pipe(p));
	CHECK(uffd_engine(p[0]) == NULL);
	CHECK(uffd_engine(p[1]) == NULL);
	reg = mkstemp(path);
	CHECK(reg >= 0);
	unlink(path);
	CHECK(uffd_engine(reg) == NULL);
	CHECK(uffd_engine(-1) == NULL);
	CHECK(uffd_engine(0x7ffffff) == NULL);
	close(p[0]);
	close(p[1]);
	close(reg);

	/* Once closed, the number is no longer a userfaultfd. */
	close(fd);
	CHECK(uffd_engine(fd) == NULL);
	return 0;
}
