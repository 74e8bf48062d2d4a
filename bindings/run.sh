#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the tests of the bindings once per engine, in test/run.sh's format.
#
#   bindings/run.sh [BUILD_DIR] [PATTERN]
#
# Rust (bindings/rust, when cargo is present): every test of the crate,
# one process per test and engine; the crate's unit tests once; the
# man-page example and a userfaultfd-rs-style program (bindings/rust/compat)
# per engine.  Python (bindings/python, when python3 is present): every
# test of tests/test_*.py per engine, and the module as `make install`
# installs it.  Prints "PASS|FAIL|SKIP name [engine]" lines and
# "N passed, N failed, N skipped"; exits non-zero if anything failed.
# Run from the top of the source tree with BUILD_DIR built (`make lib`).
# UFFD_TEST_ENGINES, UFFD_TEST_TIMEOUT as for test/run.sh; LIBUFFD_LIBS:
# the libraries libuffd.a needs (make passes them).
build=${1:-build}
pattern=${2:-}
engines=${UFFD_TEST_ENGINES:-"kernel emulated"}
limit=${UFFD_TEST_TIMEOUT:-120}
pass=0 fail=0 skip=0
failed=""
top=$(pwd)
tmp=$(mktemp -d)
log=$tmp/log
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$build/libuffd.a" ] || [ ! -f "$build/libuffd.so" ]; then
	echo "FAIL bindings (libuffd not built in $build: run make BUILD=$build lib first)"
	exit 1
fi
build=$(cd "$build" && pwd)

# report NAME ENGINE STATUS: 0 pass, 77 skip (reason: the log's SKIP line).
report() {
	tag="$1${2:+ [$2]}"
	if [ "$3" -eq 0 ] && ! grep -q '^SKIP' "$log"; then
		echo "PASS $tag"
		pass=$((pass + 1))
	elif [ "$3" -eq 0 ] || [ "$3" -eq 77 ]; then
		why=$(grep '^SKIP' "$log" | head -n 1)
		echo "SKIP $tag ${why#SKIP: }"
		skip=$((skip + 1))
	else
		why=""
		[ "$3" -eq 124 ] && why="timeout after ${limit}s"
		echo "FAIL $tag (status $3) $why"
		sed 's/^/    | /' "$log" | tail -n 20
		fail=$((fail + 1))
		failed="$failed $1${2:+[$2]}"
	fi
}

# run NAME ENGINE COMMAND...: the command with that engine, bounded; when
# $check names a function, it must also accept the output ($log).
check=
run() {
	name=$1 e=$2
	shift 2
	case "$name" in *"$pattern"*) ;; *) return ;; esac
	UFFD_ENGINE=$e UFFD_TEST_ENGINES=$e timeout -k 5 "$limit" "$@" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ -n "$check" ] && ! $check "$e"; then
		echo "FAIL: unexpected output ($check)" >>"$log"
		rc=1
	fi
	report "$name" "$e" $rc
}

# skipped NAME WHY
skipped() {
	echo "SKIP $1 skipped: $2"
	skip=$((skip + 1))
}

# The man-page example read every byte it touched as the letter of its
# page: A, B, C.
manpage_letters() {
	[ "$(grep 'in main(): ' "$log" | awk '{printf "%s", $NF}')" = AAAABBBBCCCC ]
}

compat_served() {
	grep -qx "served 256 pages on the $1 engine" "$log"
}

# ---- Rust -----------------------------------------------------------------------
rust_tests() {
	if ! command -v cargo >/dev/null 2>&1; then
		skipped rust "no cargo"
		return
	fi
	export CARGO_TARGET_DIR="$build/cargo" LIBUFFD_LIB_DIR="$build"
	export LIBUFFD_LIBS="${LIBUFFD_LIBS:--pthread -ldl}"
	crate=$top/bindings/rust
	(cd "$crate" && cargo test --offline --all-features --no-run &&
		cargo build --offline --manifest-path compat/Cargo.toml) >"$log" 2>&1
	rc=$?
	report rust:build "" $rc
	[ $rc -eq 0 ] || return
	# "Executable unittests src/lib.rs (PATH)", "Executable tests/x.rs (PATH)"
	sed -n 's/^ *Executable \(.*\) (\(.*\))$/\2 \1/p' "$log" >"$tmp/bins"
	while read -r bin src; do
		case "$bin" in /*) ;; *) bin=$crate/$bin ;; esac
		group=$(basename "${src##* }" .rs)
		[ "$group" = lib ] && group=unit
		"$bin" --list 2>/dev/null | sed -n 's/: test$//p' >"$tmp/tests"
		while read -r t; do
			if [ "$group" = unit ]; then
				run "rust:$group:$t" "" "$bin" --exact "$t" --nocapture
			else
				for e in $engines; do
					run "rust:$group:$t" "$e" "$bin" --exact "$t" --nocapture
				done
			fi
		done <"$tmp/tests"
	done <"$tmp/bins"
	for e in $engines; do
		run rust:doctests "$e" sh -c "cd '$crate' && cargo test --offline --doc"
		check=compat_served
		run rust:compat-256-pages "$e" "$CARGO_TARGET_DIR/debug/uffd-compat" "$e"
		check=manpage_letters
		run rust:example-manpage "$e" "$CARGO_TARGET_DIR/debug/examples/manpage" 3
		check=
	done
}

# ---- Python ---------------------------------------------------------------------
python_tests() {
	if ! command -v python3 >/dev/null 2>&1; then
		skipped python "no python3"
		return
	fi
	for suite in "$top"/bindings/python/tests/test_*.py; do
		for t in $(PYTHONPATH=$top/bindings/python LIBUFFD_SO=$build/libuffd.so \
				python3 "$suite" list); do
			for e in $engines; do
				run "python:$t" "$e" env PYTHONPATH="$top/bindings/python" \
					LIBUFFD_SO="$build/libuffd.so" python3 "$suite" run "$t" "$e"
			done
		done
	done
	# The installed module finds the installed libuffd.so next to itself.
	prefix=$tmp/prefix
	case python:installed in *"$pattern"*) ;; *) return ;; esac
	if ! make --no-print-directory BUILD="${build#"$top"/}" PREFIX="$prefix" DESTDIR= \
			install >"$log" 2>&1; then
		report python:installed "" 1
		return
	fi
	for e in $engines; do
		run python:installed "$e" env -u LIBUFFD_SO -u PYTHONPATH python3 -c "
import sys; sys.path.insert(0, '$prefix/lib/python3/dist-packages')
import uffd
assert uffd.lib._name.startswith('$prefix/lib/'), uffd.lib._name
with uffd.Uffd(engine='$e') as u:
    assert u.engine == '$e'
"
	done
}

rust_tests
python_tests
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
