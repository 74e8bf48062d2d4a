#!/bin/sh
# SPDX-License-Identifier: MIT
# Check the man pages (man/): every page renders with `groff -man -ww -z`
# without a warning; every function libuffd.so exports has a section 3
# page (a page of its own or a .so link to its group's page); every .so
# link points at a page that exists; uffd(1) names every command and every
# option the commands' --help lists; libuffd(7) names every environment
# variable the library and the tool read.
#
#   test/man.sh [BUILD_DIR]
#
# Run from the top of the source tree.  Prints "PASS|FAIL|SKIP name" per
# check and "N passed, N failed, N skipped"; exits non-zero on a failure.
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log
report_prefix=man:
. "$(dirname "$0")/report.sh"

# ---- rendering -------------------------------------------------------------------
if ! command -v groff >/dev/null 2>&1; then
	skipped render "(groff not installed: make deps installs groff-base)"
else
	n=0
	for p in man/man*/*.[0-9]; do
		n=$((n + 1))
		# From man/, as man(1) resolves ".so man3/x.3".
		(cd man && groff -man -ww -z "${p#man/}") >"$log" 2>&1
		if [ -s "$log" ]; then
			bad "render:${p#man/}" "" "(groff -man -ww -z printed warnings)"
		fi
	done
	: >"$log"
	[ "$n" -gt 0 ] && ok "render ($n pages, no warnings)"
fi

# ---- .so links point at real pages -------------------------------------------------
: >"$log"
for p in man/man3/*.3; do
	t=$(sed -n 's/^\.so //p' "$p")
	[ -n "$t" ] && [ ! -f "man/$t" ] && echo "$p -> $t" >>"$log"
done
if [ -s "$log" ]; then bad so-links "" "(links to missing pages)"; else ok so-links; fi

# ---- every exported function has a page --------------------------------------------
: >"$log"
if [ ! -f "$build/libuffd.so" ]; then
	bad exported-symbols "" "($build/libuffd.so not built)"
elif ! command -v nm >/dev/null 2>&1; then
	skipped exported-symbols "(nm not installed: binutils)"
else
	nm -D --defined-only "$build/libuffd.so" | awk '$2 == "T" { print $3 }' |
		sed 's/@.*//' | grep '^uffd_' | sort -u >"$tmp/syms"
	n=$(wc -l <"$tmp/syms")
	while read -r s; do
		[ -f "man/man3/$s.3" ] || echo "no man/man3/$s.3" >>"$log"
	done <"$tmp/syms"
	if [ "$n" -lt 12 ]; then
		bad exported-symbols "" "(only $n uffd_* functions exported?)"
	elif [ -s "$log" ]; then
		bad exported-symbols "" "(functions without a page)"
	else
		ok "exported-symbols ($n functions, each with a page)"
	fi
fi

# ---- uffd(1): every command and option -------------------------------------------
: >"$log"
if [ ! -x "$build/uffd" ]; then
	bad uffd.1-options "" "($build/uffd not built)"
else
	for c in probe bench "bench pager" "bench xproc" "bench preload" run serve \
			snapshot restore version help; do
		# The page spells options with \- (groff's minus).
		grep -q "^\.S[SH] uffd $c" man/man1/uffd.1 ||
			echo "no section for 'uffd $c'" >>"$log"
		# shellcheck disable=SC2086
		"$build/uffd" $c --help 2>/dev/null |
			grep -o -e '--[a-z][a-z-]*' | sort -u | while read -r o; do
				e=$(echo "$o" | sed 's/-/\\\\-/g')
				grep -q -e "$e" man/man1/uffd.1 ||
					echo "uffd $c: $o not in uffd.1" >>"$log"
			done
	done
	if [ -s "$log" ]; then bad uffd.1-options "" "(missing from the page)"; else ok uffd.1-options; fi
fi

# ---- libuffd(7): every environment variable ----------------------------------------
: >"$log"
grep -rho 'getenv("UFFD_[A-Z_]*")' src tools | sed 's/getenv("\(.*\)")/\1/' |
	sort -u >"$tmp/env"
while read -r v; do
	grep -q "^\.B $v$" man/man7/libuffd.7 || echo "$v not in libuffd.7" >>"$log"
done <"$tmp/env"
if [ ! -s "$tmp/env" ]; then
	bad environment "" "(no getenv(\"UFFD_...\") found in src/ and tools/?)"
elif [ -s "$log" ]; then
	bad environment "" "(variables not documented)"
else
	ok "environment ($(wc -l <"$tmp/env") variables in libuffd.7)"
fi

summary
