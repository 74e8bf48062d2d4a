# SPDX-License-Identifier: MIT
# What the shell checks (test/install.sh, cli.sh, man.sh, deb.sh) share:
# one line per check, the counts, the summary and the exit status, in the
# format of test/run.sh.  Sourced; a failure shows the tail of the files
# in $logs (default: $log); $report_prefix is put before every name.
#
#   ok NAME [ENGINE]        PASS NAME [ENGINE]
#   bad NAME ENGINE WHY     FAIL NAME [ENGINE] WHY, then the logs (ENGINE may be "")
#   skipped NAME WHY        SKIP NAME WHY
#   summary                 "N passed, N failed, N skipped"; exit 1 after a failure
pass=0 fail=0 skip=0
failed=""

ok() {
	echo "PASS $report_prefix$1${2:+ [$2]}"
	pass=$((pass + 1))
}

bad() {
	echo "FAIL $report_prefix$1${2:+ [$2]} $3"
	for f in ${logs:-$log}; do
		[ -s "$f" ] && sed 's/^/    | /' "$f" | tail -n 20
	done
	fail=$((fail + 1))
	failed="$failed $1${2:+[$2]}"
}

skipped() {
	echo "SKIP $report_prefix$1 $2"
	skip=$((skip + 1))
}

summary() {
	echo "$pass passed, $fail failed, $skip skipped"
	[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
	exit 0
}
