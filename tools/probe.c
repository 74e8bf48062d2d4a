/* SPDX-License-Identifier: MIT */
/*
 * `uffd probe [--json]`: what each engine can do on this host, and which
 * engine `auto` and the current $UFFD_ENGINE would choose.
 *
 * Exit status: 0 when the engine $UFFD_ENGINE selects (auto when unset)
 * can be created, 1 when it cannot, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

struct choice {
	const char *engine;	/* "kernel", "emulated", or NULL: none */
	int error;		/* errno when none */
	char diag[512];		/* uffd_diagnostic() of the attempt */
};

/* uffd_open_engine(kind), or uffd_open() (by $UFFD_ENGINE) when !explicit. */
static void choose(struct choice *c, int explicit, enum uffd_engine_kind kind)
{
	int fd;

	memset(c, 0, sizeof(*c));
	fd = explicit ? uffd_open_engine(O_CLOEXEC, kind) : uffd_open(O_CLOEXEC);
	c->error = fd < 0 ? errno : 0;
	snprintf(c->diag, sizeof(c->diag), "%s", uffd_diagnostic());
	if (fd < 0)
		return;
	c->engine = uffd_engine(fd);
	close(fd);
}

static const char *errno_name(int err)
{
	switch (err) {
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case ENXIO:	return "ENXIO";
	case ENOMEM:	return "ENOMEM";
	case EACCES:	return "EACCES";
	case ENODEV:	return "ENODEV";
	case EINVAL:	return "EINVAL";
	case ENFILE:	return "ENFILE";
	case EMFILE:	return "EMFILE";
	case ENOSYS:	return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	}
	return NULL;
}

/* "EPERM: Operation not permitted" */
static const char *errno_text(char *buf, size_t size, int err)
{
	const char *n = errno_name(err);

	if (n)
		snprintf(buf, size, "%s: %s", n, strerror(err));
	else
		snprintf(buf, size, "errno %d: %s", err, strerror(err));
	return buf;
}

/* ---- human-readable ---------------------------------------------------- */

/*
 * "  label           text", the text wrapped at 78 columns after ", " or
 * " " and continued under its first column.
 */
static void field_at(int lead, const char *label, const char *text)
{
	const int indent = lead + 16, width = 78;
	const char *p = text;

	printf("%*s%-16s", lead, "", label);
	while (strlen(p) > (size_t)(width - indent)) {
		const char *cut = p + (width - indent);

		while (cut > p && *cut != ' ')
			cut--;
		if (cut == p)
			break;		/* one long word: print it whole */
		printf("%.*s\n%*s", (int)(cut - p), p, indent, "");
		p = cut + 1;
	}
	printf("%s\n", p);
}

static void field(const char *label, const char *text)
{
	field_at(2, label, text);
}

static void mask_field(const char *label, __u64 mask,
		       const char *(*name)(unsigned int bit))
{
	char names[1024], text[1100];

	mask_names(names, sizeof(names), mask, name);
	snprintf(text, sizeof(text), "0x%llx: %s", (unsigned long long)mask,
		 names);
	field(label, text);
}

/*
 * How a process other than the uffd's creator uses it (the descriptor
 * received over SCM_RIGHTS or inherited): docs/cross-process.md.
 */
static const char *cross_process(enum uffd_engine_kind kind)
{
	return kind == UFFD_ENGINE_KERNEL ? "native" :
	       kind == UFFD_ENGINE_EMULATED ? "libuffd protocol v1 over a UNIX socket" :
	       NULL;
}

static void print_engine(const struct uffd_engine_info *in)
{
	char buf[128];

	printf("\n%s engine: %s\n", engine_kind_name(in->kind),
	       in->usable ? "usable" : "NOT USABLE");
	if (!in->usable) {
		if (in->path[0])
			field("path", in->path);
		field("error", errno_text(buf, sizeof(buf), in->error));
		field("reason", in->reason[0] ? in->reason : "(not given)");
		field("fix", in->fix[0] ? in->fix : "(none known)");
		return;
	}
	field("created by", in->path);
	field("user-mode only", in->user_mode_only ? "yes" : "no");
	if (in->user_mode_only) {
		if (in->reason[0])
			field("note", in->reason);
		if (in->fix[0])
			field("fix", in->fix);
	}
	mask_field("features", in->features, feature_bit_name);
	mask_field("ioctls", in->ioctls, ioctl_bit_name);
	mask_field("range ioctls", in->range_ioctls, ioctl_bit_name);
	field("cross-process", cross_process(in->kind));
}

/*
 * One line per choice; when it fails, why.  @in is the engine it names
 * explicitly (NULL for auto): its reason and fix are spelt out.
 */
static void print_choice(const char *label, const struct choice *c,
			 const struct uffd_engine_info *in)
{
	char buf[128];

	if (c->engine) {
		printf("  %-26s -> %s\n", label, c->engine);
		if (c->diag[0])		/* auto fell back: why */
			field_at(6, "why", c->diag);
		return;
	}
	printf("  %-26s -> none (%s)\n", label,
	       errno_text(buf, sizeof(buf), c->error));
	if (in && !in->usable) {
		field_at(6, "reason", in->reason[0] ? in->reason : c->diag);
		field_at(6, "fix", in->fix[0] ? in->fix : "(none known)");
	} else {
		field_at(6, "reason", c->diag[0] ? c->diag : "(not given)");
	}
}

/* The engine $UFFD_ENGINE names explicitly, or NULL (auto, or invalid). */
static const struct uffd_engine_info *
env_engine_info(const struct uffd_engine_info *infos, int n)
{
	const char *env = getenv("UFFD_ENGINE");
	enum uffd_engine_kind want;
	int i;

	if (!env)
		return NULL;
	if (!strcmp(env, "kernel"))
		want = UFFD_ENGINE_KERNEL;
	else if (!strcmp(env, "emulated") || !strcmp(env, "emulation") ||
		 !strcmp(env, "emu"))
		want = UFFD_ENGINE_EMULATED;
	else
		return NULL;
	for (i = 0; i < n; i++)
		if (infos[i].kind == want)
			return &infos[i];
	return NULL;
}

static void print_human(const struct uffd_engine_info *infos, int n,
			const struct choice *aut, const struct choice *sel)
{
	const char *env = getenv("UFFD_ENGINE");
	char label[64];
	int i;

	printf("libuffd %s: userfaultfd engines on this host\n\n",
	       LIBUFFD_VERSION);
	printf("%-10s %-7s %-36s %s\n", "ENGINE", "USABLE", "CREATED BY",
	       "USER-MODE ONLY");
	for (i = 0; i < n; i++)
		printf("%-10s %-7s %-36s %s\n", engine_kind_name(infos[i].kind),
		       infos[i].usable ? "yes" : "NO",
		       infos[i].usable ? infos[i].path : "-",
		       infos[i].usable ? (infos[i].user_mode_only ? "yes" : "no")
				       : "-");
	for (i = 0; i < n; i++)
		print_engine(&infos[i]);

	printf("\nengine selection\n");
	print_choice("auto", aut, NULL);
	if (env)
		snprintf(label, sizeof(label), "UFFD_ENGINE=%.40s", env);
	else
		snprintf(label, sizeof(label), "UFFD_ENGINE (unset: auto)");
	print_choice(label, sel, env_engine_info(infos, n));
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_engine(const struct uffd_engine_info *in)
{
	char buf[128];

	printf("    {\n      \"name\": ");
	json_str(stdout, engine_kind_name(in->kind));
	printf(",\n      \"usable\": %s,\n      \"path\": ",
	       in->usable ? "true" : "false");
	json_str(stdout, in->path[0] ? in->path : NULL);
	printf(",\n      \"user_mode_only\": %s,\n",
	       in->user_mode_only ? "true" : "false");
	printf("      \"errno\": %d,\n      \"error\": ", in->usable ? 0 : in->error);
	json_str(stdout, in->usable ? NULL : errno_text(buf, sizeof(buf), in->error));
	printf(",\n      \"features\": ");
	if (in->usable)
		json_mask(stdout, in->features, feature_bit_name);
	else
		printf("null");
	printf(",\n      \"ioctls\": ");
	if (in->usable)
		json_mask(stdout, in->ioctls, ioctl_bit_name);
	else
		printf("null");
	printf(",\n      \"range_ioctls\": ");
	if (in->usable)
		json_mask(stdout, in->range_ioctls, ioctl_bit_name);
	else
		printf("null");
	printf(",\n      \"cross_process\": ");
	json_str(stdout, in->usable ? cross_process(in->kind) : NULL);
	printf(",\n      \"reason\": ");
	json_str(stdout, in->reason[0] ? in->reason : NULL);
	printf(",\n      \"fix\": ");
	json_str(stdout, in->fix[0] ? in->fix : NULL);
	printf("\n    }");
}

static void print_json(const struct uffd_engine_info *infos, int n,
		       const struct choice *aut, const struct choice *sel)
{
	int i;

	printf("{\n  \"version\": ");
	json_str(stdout, LIBUFFD_VERSION);
	printf(",\n  \"engines\": [\n");
	for (i = 0; i < n; i++) {
		json_engine(&infos[i]);
		printf("%s\n", i + 1 < n ? "," : "");
	}
	printf("  ],\n  \"auto\": ");
	json_str(stdout, aut->engine);
	printf(",\n  \"auto_diagnostic\": ");
	json_str(stdout, aut->diag[0] ? aut->diag : NULL);
	printf(",\n  \"uffd_engine\": ");
	json_str(stdout, getenv("UFFD_ENGINE"));
	printf(",\n  \"selected\": ");
	json_str(stdout, sel->engine);
	printf(",\n  \"selected_diagnostic\": ");
	json_str(stdout, sel->diag[0] ? sel->diag : NULL);
	printf("\n}\n");
}

int cmd_probe(int argc, char **argv)
{
	static const enum uffd_engine_kind kinds[] = {
		UFFD_ENGINE_KERNEL, UFFD_ENGINE_EMULATED,
	};
	struct uffd_engine_info infos[2];
	struct choice aut, sel;
	int json = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: uffd probe [--json]\n");
			return 0;
		} else {
			return cli_getopt_error("probe", '?', argv, i + 1);
		}
	}

	for (i = 0; i < 2; i++) {
		uffd_probe_engine(kinds[i], &infos[i]);
		infos[i].kind = kinds[i];
	}
	choose(&aut, 1, UFFD_ENGINE_AUTO);
	choose(&sel, 0, UFFD_ENGINE_AUTO);

	if (json)
		print_json(infos, 2, &aut, &sel);
	else
		print_human(infos, 2, &aut, &sel);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 1;
	return sel.engine ? 0 : 1;
}
