/* SPDX-License-Identifier: MIT */
/*
 * uffd_diagnostic() after a successful uffd_open*(): empty when the engine
 * asked for was used; after `auto` fell back to the emulated engine, why
 * the kernel engine was not used -- a program must be able to tell.  The
 * kernel is made to look blocked with UFFD_DENY_KERNEL=1 (EPERM, as a
 * seccomp filter answers).  The engines are chosen explicitly, so both
 * passes of test/run.sh run the same checks.
 */
#include "harness.h"

int main(void)
{
	const char *d;
	int fd;

	t_init(30);
	fd = uffd_open_engine(O_CLOEXEC, UFFD_ENGINE_EMULATED);
	if (fd < 0)
		t_skip("emulated engine unavailable: %s", uffd_diagnostic());
	CHECK_MSG(!uffd_diagnostic()[0], "after an explicit emulated open: '%s'",
		  uffd_diagnostic());
	close(fd);

	setenv("UFFD_DENY_KERNEL", "1", 1);
	fd = uffd_open_engine(O_CLOEXEC, UFFD_ENGINE_AUTO);
	CHECK_MSG(fd >= 0, "auto with the kernel denied: %s", uffd_diagnostic());
	CHECK(uffd_engine(fd) && !strcmp(uffd_engine(fd), "emulated"));
	d = uffd_diagnostic();
	printf("after the fallback: %s\n", d);
	CHECK_MSG(strstr(d, "kernel engine not used") && strstr(d, "UFFD_DENY_KERNEL"),
		  "after the fallback: '%s'", d);
	close(fd);

	/* The same through uffd_open() and $UFFD_ENGINE=auto. */
	setenv("UFFD_ENGINE", "auto", 1);
	fd = uffd_open(O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(strstr(uffd_diagnostic(), "kernel engine not used"));
	close(fd);

	/* A failed open replaces it; the next success clears it. */
	CHECK_ERR(uffd_open_engine(O_CLOEXEC, UFFD_ENGINE_KERNEL), EPERM);
	CHECK(strstr(uffd_diagnostic(), "kernel engine: "));
	fd = uffd_open_engine(O_CLOEXEC, UFFD_ENGINE_EMULATED);
	CHECK(fd >= 0);
	CHECK(!uffd_diagnostic()[0]);
	close(fd);
	return 0;
}
