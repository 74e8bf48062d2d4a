/* SPDX-License-Identifier: MIT */
/*
 * `uffd run` and a program the preload shim cannot enter: only the
 * dynamic loader reads LD_PRELOAD, and it ignores it for a set-user-ID
 * program run by someone else.  Running such a program would silently
 * bypass libuffd, so uffd run refuses: one line on stderr naming the
 * program, the reason and the fix, nothing on stdout, status 126.  With
 * --force it runs the program all the same (its output, its status),
 * after that line as a warning.
 *
 * The statically linked program is test/static_hello (mk/static.mk); the
 * set-user-ID one a copy of /bin/true owned by another user (as root only).
 */
#include "preload_util.h"
#include <sys/stat.h>

#define RUN_LIMIT 60

static struct pl_paths p;
static char engine_opt[64];

static void run(struct pl_result *r, const char *opt, const char *prog)
{
	const char *argv[] = { p.uffd, "run", engine_opt, opt, "--", prog, NULL };

	if (!opt) {
		argv[3] = "--";
		argv[4] = prog;
		argv[5] = NULL;
	}
	pl_run(argv, pl_clean_env, RUN_LIMIT, r);
}

/* Exactly one line on stderr, containing each of @words. */
static void one_line(const struct pl_result *r, const char *a, const char *b,
		     const char *c)
{
	CHECK_MSG(r->errlen > 0 && strchr(r->err, '\n') == r->err + r->errlen - 1,
		  "stderr is not one line: '%s'", r->err);
	CHECK_MSG(strstr(r->err, a) && strstr(r->err, b) && strstr(r->err, c),
		  "stderr lacks '%s', '%s' or '%s': %s", a, b, c, r->err);
}

static void setuid_program(void)
{
	char dir[] = "/tmp/uffd-setuid-XXXXXX", prog[64], buf[4096];
	struct pl_result r;
	int in, out;
	ssize_t n;

	if (geteuid() != 0) {
		printf("set-user-ID part skipped: needs root to give a file away\n");
		return;
	}
	CHECK(mkdtemp(dir));
	snprintf(prog, sizeof(prog), "%s/true", dir);
	in = open("/bin/true", O_RDONLY | O_CLOEXEC);
	CHECK_OK(in);
	out = open(prog, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	CHECK_OK(out);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK_EQ(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
	CHECK_OK(chown(prog, 65534, 65534));
	CHECK_OK(chmod(prog, 04755));
	run(&r, NULL, prog);
	CHECK_MSG(pl_exit(&r) == 126, "set-user-ID program: status %d, %s",
		  pl_exit(&r), r.err);
	one_line(&r, prog, "set-user-ID", "--force");
	pl_free(&r);
	unlink(prog);
	rmdir(dir);
}

int main(void)
{
	struct pl_result r;
	char hello[PATH_MAX];

	t_init(110);
	pl_locate(&p);
	snprintf(engine_opt, sizeof(engine_opt), "--engine=%s", t_engine_name);
	CHECK((size_t)snprintf(hello, sizeof(hello), "%s/test/static_hello", p.build) <
	      sizeof(hello));
	if (access(hello, X_OK))
		t_skip("%s not built: no static C library (libc.a, libc6-dev)", hello);

	/* Natively it prints and exits 3. */
	{
		const char *argv[] = { hello, NULL };

		pl_run(argv, pl_clean_env, RUN_LIMIT, &r);
		CHECK_EQ(pl_exit(&r), 3);
		CHECK(!strcmp(r.out, "hello\n"));
		pl_free(&r);
	}

	run(&r, NULL, hello);
	CHECK_MSG(pl_exit(&r) == 126, "static program: status %d, %s", pl_exit(&r), r.err);
	CHECK_EQ(r.outlen, 0);
	one_line(&r, "static_hello", "statically linked", "link it dynamically");
	CHECK(strstr(r.err, "--force"));
	pl_free(&r);

	run(&r, "--force", hello);
	CHECK_MSG(pl_exit(&r) == 3, "--force: status %d, %s", pl_exit(&r), r.err);
	CHECK(!strcmp(r.out, "hello\n"));
	one_line(&r, "warning", "statically linked", "without libuffd");
	pl_free(&r);

	setuid_program();
	return 0;
}
