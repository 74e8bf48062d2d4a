#!/bin/sh
# Check `make install`: install into a scratch prefix, then build and run a
# small program against the installed header and libraries three ways
# (static archive, pkg-config, shared library), once per engine; check the
# man pages and bash completion installed, the symbol versions of
# libuffd.so and that its interposers reach other libraries' calls; then
# `make uninstall` removes every installed file and nothing else.
#
#   test/install.sh [BUILD_DIR]
#
# Run from the top of the source tree (as `make check` does); BUILD_DIR is
# the build directory to install from (default build).  Prints
# "PASS|FAIL|SKIP name [engine]" lines like test/run.sh, ends with
# "N passed, N failed, N skipped", and exits non-zero if anything failed.
# UFFD_TEST_ENGINES overrides the engine list.
build=${1:-build}
engines=${UFFD_TEST_ENGINES:-"kernel emulated"}
cc=${CC:-cc}
tmp=$(mktemp -d)
log=$tmp/log
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
. "$(dirname "$0")/report.sh"

# ---- install ------------------------------------------------------------------
if [ ! -f "$build/libuffd.a" ] || [ ! -x "$build/uffd" ]; then
	echo "FAIL install (nothing built in $build: run make BUILD=$build first)"
	exit 1
fi
if make --no-print-directory BUILD="$build" PREFIX="$prefix" DESTDIR= \
		install >"$log" 2>&1; then
	ok install
else
	bad install "" "(make install PREFIX=$prefix failed)"
fi
for f in include/uffd.h include/uffd_pager.h lib/libuffd.a lib/libuffd.so \
		lib/libuffd-preload.so lib/pkgconfig/libuffd.pc bin/uffd \
		share/man/man1/uffd.1 share/man/man7/libuffd.7 share/man/man3/uffd_open.3 \
		share/bash-completion/completions/uffd; do
	: >"$log"
	if [ -e "$prefix/$f" ]; then
		ok "install:$f"
	else
		bad "install:$f" "" "(missing from the prefix)"
	fi
done
if "$prefix/bin/uffd" version >"$log" 2>&1 && grep -q "libuffd) $(cat VERSION)\$" "$log"; then
	ok install:uffd-version
else
	bad install:uffd-version "" "(not version $(cat VERSION))"
fi
n=$(ls "$prefix/share/man/man3" 2>/dev/null | wc -l)
: >"$log"
if [ "$n" -ge 12 ]; then
	ok "install:man3 ($n pages)"
else
	bad install:man3 "" "($n section 3 pages installed)"
fi

# ---- symbol versions of libuffd.so ----------------------------------------------
# The API in LIBUFFD_0.2; the interposers unversioned (base), each a
# function the C library defines too (see src/libuffd.map).
if ! command -v objdump >/dev/null 2>&1; then
	skipped install:symbol-versions "(objdump not installed: binutils)"
else
	objdump -T "$prefix/lib/libuffd.so" |
		awk '$4 != "*UND*" && NF >= 7 { print $(NF-1), $NF }' >"$tmp/syms"
	libc=$(ldd "$prefix/lib/libuffd.so" | awk '/libc.so/ { print $3 }')
	objdump -T "$libc" | awk '$4 != "*UND*" { print $NF }' | sort -u >"$tmp/libc"
	: >"$log"
	while read -r ver sym; do
		case "$sym" in
		"$ver")	;;	# the version node's own symbol
		uffd_*)	[ "$ver" = LIBUFFD_0.2 ] || echo "$sym: version $ver" >>"$log" ;;
		*)	if [ "$ver" != Base ]; then
				echo "$sym: version $ver, not Base" >>"$log"
			elif ! grep -qx "$sym" "$tmp/libc"; then
				echo "$sym: exported, not a C library function" >>"$log"
			fi ;;
		esac
	done <"$tmp/syms"
	if ! grep -q "^LIBUFFD_0.2 uffd_open\$" "$tmp/syms" ||
			! grep -q "^Base read\$" "$tmp/syms"; then
		cp "$tmp/syms" "$log"
		bad install:symbol-versions "" "(no uffd_open@LIBUFFD_0.2 or no base read)"
	elif [ -s "$log" ]; then
		bad install:symbol-versions "" "(unexpected exports or versions)"
	else
		ok "install:symbol-versions ($(grep -c ' uffd_' "$tmp/syms") at LIBUFFD_0.2)"
	fi
fi

# ---- a program using the installed library -------------------------------------
cat >"$tmp/x.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uffd.h>

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = uffd_open(O_CLOEXEC);

	if (fd < 0) {
		printf("SKIP: %s\n", uffd_diagnostic());
		return 77;
	}
	if (uffd_ioctl(fd, UFFDIO_API, &api) < 0) {
		printf("FAIL: UFFDIO_API: %s\n", strerror(errno));
		return 1;
	}
	printf("engine %s features %#llx\n", uffd_engine(fd),
	       (unsigned long long)api.features);
	close(fd);
	return 0;
}
EOF

# build NAME COMMAND...: compile $tmp/NAME from x.c
build_one() {
	name=$1
	shift
	if "$@" >"$log" 2>&1; then
		ok "install:build-$name"
		return 0
	fi
	bad "install:build-$name" "" "($*)"
	return 1
}

# run NAME [LD_LIBRARY_PATH]: run $tmp/NAME once per engine
run_one() {
	name=$1
	for e in $engines; do
		UFFD_ENGINE=$e LD_LIBRARY_PATH=${2:-$LD_LIBRARY_PATH} \
			timeout -k 5 60 "$tmp/$name" >"$log" 2>&1
		rc=$?
		if [ $rc -eq 0 ] && grep -q "^engine $e " "$log"; then
			ok "install:run-$name" "$e"
		elif [ $rc -eq 77 ]; then
			why=$(grep '^SKIP' "$log" | tail -n 1)
			skipped "install:run-$name [$e]" "${why#SKIP: }"
		else
			bad "install:run-$name" "$e" "(status $rc)"
		fi
	done
}

if build_one static $cc -Wall -Wextra -Werror -I"$prefix/include" \
		"$tmp/x.c" "$prefix/lib/libuffd.a" -lpthread -o "$tmp/static"; then
	run_one static
fi

if ! command -v pkg-config >/dev/null 2>&1; then
	skipped install:build-pkg-config "(pkg-config not installed)"
else
	pc_flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs libuffd 2>"$log")
	if [ $? -ne 0 ]; then
		bad install:build-pkg-config "" "(pkg-config --cflags --libs libuffd failed)"
	elif build_one pkg-config $cc -Wall -Wextra -Werror "$tmp/x.c" \
			$pc_flags -o "$tmp/pkg-config"; then
		run_one pkg-config "$prefix/lib"
	fi
fi

if build_one shared $cc -Wall -Wextra -Werror -I"$prefix/include" "$tmp/x.c" \
		-L"$prefix/lib" -luffd -o "$tmp/shared"; then
	# It must really be the installed shared library that gets loaded.
	if LD_LIBRARY_PATH="$prefix/lib" ldd "$tmp/shared" 2>&1 |
			grep -q "libuffd.so.0 => $prefix/lib/libuffd.so.0"; then
		: >"$log"
		ok install:ldd-shared
	else
		LD_LIBRARY_PATH="$prefix/lib" ldd "$tmp/shared" >"$log" 2>&1
		bad install:ldd-shared "" "(libuffd.so.0 not resolved to the prefix)"
	fi
	run_one shared "$prefix/lib"
fi

# ---- interposition reaches other libraries -------------------------------------
# read() called from a library built without libuffd, on an emulated uffd:
# a count below sizeof(struct uffd_msg) is EINVAL (the kernel's rule); the
# raw pipe underneath would say EAGAIN.
cat >"$tmp/reader.c" <<'EOF'
#include <unistd.h>
ssize_t other_library_read(int fd, void *buf, size_t n);
ssize_t other_library_read(int fd, void *buf, size_t n) { return read(fd, buf, n); }
EOF
cat >"$tmp/interpose.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uffd.h>

ssize_t other_library_read(int fd, void *buf, size_t n);

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	char b[64];
	int fd = uffd_open_engine(O_CLOEXEC | O_NONBLOCK, UFFD_ENGINE_EMULATED);

	if (fd < 0) {
		printf("SKIP: %s\n", uffd_diagnostic());
		return 77;
	}
	if (uffd_ioctl(fd, UFFDIO_API, &api))
		return 1;
	errno = 0;
	if (other_library_read(fd, b, 1) != -1 || errno != EINVAL) {
		printf("FAIL: read() from another library: %s, not EINVAL\n",
		       strerror(errno));
		return 1;
	}
	return 0;
}
EOF
if $cc -shared -fPIC -o "$tmp/libreader.so" "$tmp/reader.c" >"$log" 2>&1 &&
		build_one interpose $cc -Wall -Wextra -Werror -I"$prefix/include" \
			"$tmp/interpose.c" -L"$prefix/lib" -luffd -L"$tmp" -lreader \
			-o "$tmp/interpose"; then
	LD_LIBRARY_PATH="$prefix/lib:$tmp" timeout -k 5 60 "$tmp/interpose" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		ok install:interpose-other-library emulated
	elif [ $rc -eq 77 ]; then
		skipped "install:interpose-other-library [emulated]" "$(grep SKIP "$log")"
	else
		bad install:interpose-other-library emulated "(status $rc)"
	fi
else
	bad install:build-interpose "" "(cannot build the reader library)"
fi

# ---- uninstall ------------------------------------------------------------------
# Everything make install put there goes; a file of someone else's stays.
mkdir -p "$prefix/share/man/man3"
echo keep >"$prefix/share/man/man3/someone_else.3"
if make --no-print-directory BUILD="$build" PREFIX="$prefix" DESTDIR= \
		uninstall >"$log" 2>&1; then
	left=$(find "$prefix" \( -type f -o -type l \) ! -name someone_else.3)
	if [ -n "$left" ]; then
		echo "$left" >"$log"
		bad install:uninstall "" "(files left behind)"
	elif [ ! -f "$prefix/share/man/man3/someone_else.3" ]; then
		: >"$log"
		bad install:uninstall "" "(removed a file it did not install)"
	else
		: >"$log"
		ok install:uninstall
	fi
else
	bad install:uninstall "" "(make uninstall PREFIX=$prefix failed)"
fi

summary

