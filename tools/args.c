/* SPDX-License-Identifier: MIT */
/*
 * Command-line arguments of the `uffd` commands: numbers, engine names and
 * word lists checked before any work starts, and usage errors said in one
 * line ("uffd bench: --reps wants a number from 1 to 1000000, not 'abc'").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "uffd %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see uffd help %s)\n", cmd);
	return EXIT_USAGE;
}

int cli_getopt_error(const char *cmd, int c, char **argv, int optind_now)
{
	const char *word = optind_now > 0 ? argv[optind_now - 1] : "?";

	if (c == ':')
		return cli_usage_error(cmd, "option '%s' needs a value", word);
	return cli_usage_error(cmd, "unknown option '%s'", word);
}

long cli_number(const char *cmd, const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "uffd %s: %s wants a number from %ld to %ld, not '%s'\n",
			cmd, opt, min, max, s);
		return -1;
	}
	return v;
}

int cli_engine(const char *cmd, const char *s, enum uffd_engine_kind *out)
{
	if (!strcmp(s, "auto"))
		*out = UFFD_ENGINE_AUTO;
	else if (!strcmp(s, "kernel"))
		*out = UFFD_ENGINE_KERNEL;
	else if (!strcmp(s, "emulated"))
		*out = UFFD_ENGINE_EMULATED;
	else {
		fprintf(stderr, "uffd %s: engine must be auto, kernel or emulated, "
			"not '%s'\n", cmd, s);
		return -1;
	}
	return 0;
}

long cli_list(const char *cmd, const char *opt, const char *s,
	      const char *const *names)
{
	const char *p = s;
	long mask = 0;
	size_t i, len;

	for (;;) {
		len = strcspn(p, ",");
		for (i = 0; names[i]; i++)
			if (strlen(names[i]) == len && !strncmp(p, names[i], len))
				break;
		if (!names[i]) {
			fprintf(stderr, "uffd %s: %s wants a comma-separated list of ",
				cmd, opt);
			for (i = 0; names[i]; i++)
				fprintf(stderr, "%s%s", i ? names[i + 1] ? ", " : " or " : "",
					names[i]);
			fprintf(stderr, ", not '%s'\n", s);
			return -1;
		}
		mask |= 1L << i;
		if (!p[len])
			return mask;
		p += len + 1;
	}
}
