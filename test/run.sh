#!/bin/sh
# Run every conformance test once per engine.
#
#   test/run.sh [BUILD_DIR] [PATTERN]
#
# Prints "PASS|FAIL|SKIP name [engine]" per run (with the reason for a skip
# or failure) and ends with "N passed, N failed, N skipped".  Exit status
# is non-zero if anything failed.  UFFD_TEST_ENGINES overrides the engine
# list; UFFD_TEST_TIMEOUT the per-test limit in seconds.
build=${1:-build}
pattern=${2:-}
engines=${UFFD_TEST_ENGINES:-"kernel emulated"}
limit=${UFFD_TEST_TIMEOUT:-120}
pass=0 fail=0 skip=0
failed=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$build"/test/t_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	case "$name" in *"$pattern"*) ;; *) continue ;; esac
	for e in $engines; do
		UFFD_ENGINE=$e timeout -k 5 "$limit" "$t" >"$log" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			echo "PASS $name [$e]"
			pass=$((pass + 1))
		elif [ $rc -eq 77 ]; then
			why=$(grep '^SKIP' "$log" | tail -n 1)
			echo "SKIP $name [$e] ${why#SKIP: }"
			skip=$((skip + 1))
		else
			why=$(grep -E 'FAIL|ERROR|Sanitizer|runtime error' "$log" | head -n 3 | tr '\n' ' ')
			[ $rc -eq 124 ] && why="timeout after ${limit}s $why"
			echo "FAIL $name [$e] (status $rc) $why"
			sed 's/^/    | /' "$log" | tail -n 20
			fail=$((fail + 1))
			failed="$failed $name[$e]"
		fi
	done
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
