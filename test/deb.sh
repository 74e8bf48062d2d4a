#!/bin/sh
# SPDX-License-Identifier: MIT
# Check `make deb`: build the Debian packages from a copy of the tree,
# check that libuffd0 holds libuffd.so.0, libuffd-dev uffd.h and
# uffd-tools bin/uffd, unpack them into a scratch root (dpkg -x), run
# `uffd probe` and `uffd version` from it, and build and run a program
# against the unpacked headers and shared library.
#
#   test/deb.sh [BUILD_DIR]
#
# Run from the top of the source tree.  Skips (with the reason) when
# dpkg-buildpackage or debhelper is not installed (make deps installs
# them).  The packages are built in a scratch directory, not BUILD_DIR.
# Prints "PASS|FAIL|SKIP name" per check and "N passed, N failed, N skipped".
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log
root=$tmp/root
version=$(cat VERSION)
report_prefix=deb:
. "$(dirname "$0")/report.sh"

for t in dpkg-buildpackage dh dpkg-deb; do
	if ! command -v $t >/dev/null 2>&1; then
		skipped build "($t not installed: make deps installs dpkg-dev and debhelper)"
		summary
	fi
done

if nice -n 10 make --no-print-directory BUILD="$tmp/build" deb >"$log" 2>&1; then
	ok build
else
	bad build "" "(make deb failed)"
	summary
fi
debs=$tmp/build/deb

# has PACKAGE PATH: the package exists and holds PATH
has() {
	deb=$(ls "$debs/$1"_"$version"-*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		: >"$log"
		bad "$1:$2" "" "(no $1 package for $version in $debs)"
		return
	fi
	dpkg-deb -c "$deb" >"$log" 2>&1
	if grep -q " \./$2\( \|$\)" "$log"; then
		ok "$1:$2"
	else
		bad "$1:$2" "" "(not in $(basename "$deb"))"
	fi
}
has libuffd0 usr/lib/libuffd.so.0
has libuffd0 "usr/lib/libuffd.so.$version"
has libuffd-dev usr/include/uffd.h
has libuffd-dev usr/include/uffd_pager.h
has libuffd-dev usr/lib/libuffd.so
has libuffd-dev usr/lib/pkgconfig/libuffd.pc
has libuffd-dev usr/share/man/man3/uffd_open.3.gz
has uffd-tools usr/bin/uffd
has uffd-tools usr/lib/libuffd-preload.so
has uffd-tools usr/share/man/man1/uffd.1.gz
has uffd-tools usr/share/bash-completion/completions/uffd
has python3-uffd usr/lib/python3/dist-packages/uffd/__init__.py

# Four packages and nothing else (no -dbgsym, no stray debug files).
ls "$debs"/*.deb >"$log" 2>&1
dpkg-deb -c "$debs"/uffd-tools_*.deb >>"$log" 2>&1
if [ "$(grep -c '\.deb$' "$log")" -eq 4 ] && ! grep -q usr/lib/debug "$log"; then
	ok four-packages
else
	bad four-packages "" "(other packages or debug files)"
fi

# ---- unpacked into a scratch root ---------------------------------------------------
: >"$log"
for d in "$debs"/*.deb; do
	dpkg -x "$d" "$root" >>"$log" 2>&1 || bad "unpack" "" "($(basename "$d"))"
done

"$root/usr/bin/uffd" probe >"$log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "engine selection" "$log"; then
	ok "uffd-probe ($(grep -m1 '^  auto' "$log" | tr -s ' '))"
else
	bad uffd-probe "" "(unpacked usr/bin/uffd probe: status $rc)"
fi

"$root/usr/bin/uffd" version >"$log" 2>&1
if grep -q "libuffd) $version\$" "$log"; then
	ok uffd-version
else
	bad uffd-version "" "(not $version)"
fi

# uffd run finds the shim in ../lib next to the unpacked uffd.
"$root/usr/bin/uffd" run --engine emulated -- sh -c 'echo "$LD_PRELOAD"' >"$log" 2>&1
if grep -q "^$root/usr/bin/../lib/libuffd-preload.so" "$log"; then
	ok uffd-run-finds-shim
else
	bad uffd-run-finds-shim "" "(LD_PRELOAD is not the unpacked shim)"
fi

cat >"$tmp/x.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <uffd.h>

int main(void)
{
	int fd = uffd_open_engine(O_CLOEXEC, UFFD_ENGINE_EMULATED);

	if (fd < 0) {
		printf("SKIP: %s\n", uffd_diagnostic());
		return 77;
	}
	printf("engine %s\n", uffd_engine(fd));
	close(fd);
	return 0;
}
EOF
if ${CC:-cc} -I"$root/usr/include" "$tmp/x.c" -L"$root/usr/lib" -luffd \
		-o "$tmp/x" >"$log" 2>&1; then
	LD_LIBRARY_PATH=$root/usr/lib timeout -k 5 60 "$tmp/x" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^engine emulated" "$log"; then
		ok link-and-run
	elif [ $rc -eq 77 ]; then
		skipped link-and-run "$(grep SKIP "$log")"
	else
		bad link-and-run "" "(status $rc)"
	fi
else
	bad link-and-run "" "(cannot build against the unpacked libuffd-dev)"
fi

summary
