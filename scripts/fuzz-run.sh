#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Run one libFuzzer target as JOBS workers in parallel (make fuzz).
#
#   scripts/fuzz-run.sh BINARY NAME JOBS RUNS SECONDS [libFuzzer args...]
#
# The sanitizer options (ASAN_OPTIONS...) and libFuzzer's flags come from
# the caller (FUZZ_ENV and FUZZ_FLAGS in mk/hardening.mk).
# The workers share fuzz/corpus-tmp/NAME (each reloads what the others
# add) and start from fuzz/corpus/NAME.  With RUNS non-empty each worker
# runs RUNS/JOBS inputs (rounded up), otherwise SECONDS.  Worker N logs to
# fuzz/corpus-tmp/NAME-wN.log and writes crashing inputs as
# fuzz/corpus-tmp/NAME-wN-crash-*.  The summary line gives the total number
# of inputs executed; the status is non-zero if any worker failed.
set -u

bin=$1 name=$2 jobs=$3 runs=$4 secs=$5
shift 5
tmp=fuzz/corpus-tmp/$name
mkdir -p "$tmp"

if [ -n "$runs" ]; then
	limit="-runs=$(( (runs + jobs - 1) / jobs ))"
else
	limit="-max_total_time=$secs"
fi

start=$(date +%s)
pids=
w=1
while [ "$w" -le "$jobs" ]; do
	"$bin" -print_final_stats=1 $limit -artifact_prefix="$tmp-w$w-" "$@" \
		"$tmp" "fuzz/corpus/$name" \
		>"$tmp-w$w.log" 2>&1 &
	pids="$pids $!"
	w=$((w + 1))
done

status=clean
w=1
for p in $pids; do
	wait "$p"
	rc=$?
	if [ "$rc" = 72 ]; then
		# libFuzzer's exit status when interrupted (SIGINT).
		echo "fuzz_$name worker $w interrupted"
		[ "$status" = clean ] && status=interrupted
	elif [ "$rc" != 0 ]; then
		echo "fuzz_$name worker $w FAILED (fuzz/corpus-tmp/$name-w$w.log):"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz_[a-z]+: )' \
			"$tmp-w$w.log" | head -5
		grep -E '^artifact_prefix|Test unit written' "$tmp-w$w.log"
		status=FAILED
	fi
	w=$((w + 1))
done

total=0
w=1
while [ "$w" -le "$jobs" ]; do
	n=$(sed -n 's/^stat::number_of_executed_units: //p' "$tmp-w$w.log" | tail -n 1)
	total=$((total + ${n:-0}))
	w=$((w + 1))
done
echo "fuzz_$name: $total inputs executed by $jobs worker(s) in $(( $(date +%s) - start )) s: $status"
[ "$status" = clean ]
