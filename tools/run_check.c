/* SPDX-License-Identifier: MIT */
/*
 * Whether `uffd run` can do what it says for a program: the preload shim
 * gets in through LD_PRELOAD, which only the dynamic loader reads.  So it
 * cannot enter
 *
 *   - a statically linked program (no PT_INTERP: nothing reads LD_PRELOAD;
 *     a static-pie has no loader either),
 *   - a program of another ELF class or machine (the loader skips a shim
 *     of the wrong kind with a warning and runs the program without it),
 *   - a set-user-ID or set-group-ID program run by someone else (secure
 *     execution: the loader ignores a preload path with a slash).
 *
 * (Linking libuffd into a static program is no way out: the library finds
 * the C library's functions past its interposers with dlsym(RTLD_NEXT),
 * which needs the dynamic loader.)
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "run_check.h"

/* The file execvp() would run: @prog itself, or found in $PATH. */
static const char *resolve(const char *prog, char *buf, size_t len)
{
	const char *path = getenv("PATH"), *p, *e;
	struct stat st;

	if (strchr(prog, '/'))
		return prog;
	if (!path)
		path = "/bin:/usr/bin";		/* execvp()'s default */
	for (p = path;; p = e + 1) {
		size_t n;

		e = strchrnul(p, ':');
		n = (size_t)(e - p);
		if (snprintf(buf, len, "%.*s%s%s", (int)n, p, n ? "/" : "", prog) <
		    (int)len && !stat(buf, &st) && S_ISREG(st.st_mode) &&
		    !access(buf, X_OK))
			return buf;
		if (!*e)
			return NULL;
	}
}

/* The ELF header of @path, or false (not ELF, unreadable). */
static bool elf_header(int fd, Elf64_Ehdr *eh)
{
	return pread(fd, eh, sizeof(*eh), 0) == (ssize_t)sizeof(*eh) &&
	       !memcmp(eh->e_ident, ELFMAG, SELFMAG);
}

/* Has the 64-bit ELF file @fd a PT_INTERP program header? */
static bool has_interp(int fd, const Elf64_Ehdr *eh)
{
	unsigned int i;

	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff +
		    (Elf64_Off)i * eh->e_phentsize)) != (ssize_t)sizeof(ph))
			return false;
		if (ph.p_type == PT_INTERP)
			return true;
	}
	return false;
}

const char *run_check_program(const char *prog, char *buf, size_t len)
{
	char found[PATH_MAX];
	const char *path = resolve(prog, found, sizeof(found));
	const char *why = NULL;
	Elf64_Ehdr eh, self;
	struct stat st;
	int fd, sfd;

	if (!path)
		return NULL;			/* exec says why */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	sfd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fstat(fd, &st) || !elf_header(fd, &eh) || sfd < 0 || !elf_header(sfd, &self)) {
		why = NULL;			/* a script, or not ours to judge */
	} else if (eh.e_ident[EI_CLASS] != self.e_ident[EI_CLASS] ||
		   eh.e_ident[EI_DATA] != self.e_ident[EI_DATA] ||
		   eh.e_machine != self.e_machine) {
		why = "is not built for this machine's shim (another ELF class or "
		      "machine): build it as uffd was built";
	} else if (!has_interp(fd, &eh)) {
		why = "is statically linked, and only the dynamic loader reads "
		      "LD_PRELOAD: link it dynamically";
	} else if (((st.st_mode & S_ISUID) && st.st_uid != geteuid()) ||
		   ((st.st_mode & S_ISGID) && st.st_gid != getegid())) {
		why = "is set-user-ID or set-group-ID, and the loader ignores "
		      "LD_PRELOAD for it: run it as its owner";
	}
	if (sfd >= 0)
		close(sfd);
	close(fd);
	if (!why)
		return NULL;
	snprintf(buf, len, "%s", why);
	return buf;
}
