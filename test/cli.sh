#!/bin/sh
# SPDX-License-Identifier: MIT
# Check the `uffd` command line: bad input is refused before any work, with
# exactly one line on stderr and a non-zero status; help reaches every
# command; `uffd run --engine E` takes the space form; progress lines (\r)
# stay off a stderr that is not a terminal; the bash completion completes.
#
#   test/cli.sh [BUILD_DIR]
#
# Run from the top of the source tree (as make check-plain does).  Prints
# "PASS|FAIL|SKIP name" per check and "N passed, N failed, N skipped";
# exits non-zero if anything failed.  Nothing is timed: waits are bounded
# by timeout(1) only to turn a hang into a failure.
build=${1:-build}
uffd=$build/uffd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out err=$tmp/err
logs="$out $err" report_prefix=cli:
. "$(dirname "$0")/report.sh"

if [ ! -x "$uffd" ]; then
	echo "FAIL cli ($uffd not built: run make BUILD=$build first)"
	exit 1
fi

# refuse NAME PATTERN ARGS...: `uffd ARGS` exits non-zero at once, prints
# nothing on stdout and exactly one line on stderr, matching PATTERN.
refuse() {
	name=$1 pattern=$2
	shift 2
	timeout -k 5 30 "$uffd" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
	lines=$(wc -l <"$err")
	if [ $rc -eq 0 ] || [ $rc -ge 124 ]; then
		bad "$name" "" "(uffd $*: status $rc, expected a refusal)"
	elif [ -s "$out" ]; then
		bad "$name" "" "(uffd $*: printed on stdout: it ran)"
	elif [ "$lines" -ne 1 ]; then
		bad "$name" "" "(uffd $*: $lines lines on stderr, expected one)"
	elif ! grep -q -e "$pattern" "$err"; then
		bad "$name" "" "(uffd $*: stderr does not say '$pattern')"
	else
		ok "$name"
	fi
}

refuse bench-reps-abc "reps.*'abc'" bench --reps abc
refuse bench-reps-0 "reps.*'0'" bench --reps 0
refuse bench-reps-negative "reps.*'-3'" bench --reps -3
refuse bench-reps-missing "needs a value" bench --reps
refuse bench-only-nosuch "no scenario matched.*nosuch" bench --only nosuch
refuse bench-engines-foo "engines.*'foo'" bench --engines foo
refuse bench-engines-empty-item "engines" bench --engines kernel,
refuse bench-unknown-option "unknown option '--frob'" bench --frob
refuse bench-json-file-dir "/nonexistent/dir/x.json" \
	bench --json-file /nonexistent/dir/x.json --only missing-copy --reps 1
refuse bench-pager-store-nfs "store.*'nfs'" bench pager --store nfs
refuse bench-pager-size "size.*'abc'" bench pager --size abc
refuse bench-pager-modes "modes.*'fast'" bench pager --modes fast
refuse bench-xproc-threads "threads.*'0'" bench xproc --threads 0
refuse bench-xproc-reps "reps.*'x'" bench xproc --reps x
refuse bench-preload-stat "stat.*'x'" bench preload --stat x
refuse bench-preload-iters "iters.*'0'" bench preload --iters 0
refuse run-engine-bad "'fast'" run --engine fast true
refuse run-engine-missing "needs a value" run --engine
refuse run-no-program "no PROGRAM" run --deny-kernel
refuse restore-engine-bad "'fast'" restore --engine fast x.img
refuse restore-no-source "IMAGE" restore
refuse restore-workers "workers.*'0'" restore --workers 0 x.img
refuse snapshot-size "size.*'big'" snapshot --size big x.img
refuse serve-no-listen "listen" serve x.img
refuse probe-unknown-option "unknown option" probe --frob
refuse unknown-command "unknown command 'frob'" frob
refuse help-unknown-command "unknown command 'frob'" help frob
refuse version-argument "'x'" version x

# The page server refuses a port out of range instead of listening on
# another one (it would run until killed: the timeout says so).
if timeout -k 5 60 "$uffd" snapshot --size 1 "$tmp/img" >"$out" 2>"$err"; then
	refuse serve-port-99999 "port" serve --listen 127.0.0.1:99999 "$tmp/img"
	refuse serve-port-65536 "port" serve --listen :65536 "$tmp/img"
	refuse serve-port-text "port" serve --listen 127.0.0.1:http "$tmp/img"
else
	bad serve-port "" "(uffd snapshot --size 1 failed: cannot make an image)"
fi

# ---- help ----------------------------------------------------------------------
for c in probe bench run serve snapshot restore version "bench pager" \
		"bench xproc" "bench preload"; do
	name=help-$(echo "$c" | tr ' ' -)
	# shellcheck disable=SC2086
	"$uffd" $c --help >"$out" 2>"$err"
	rc=$?
	# shellcheck disable=SC2086
	"$uffd" help $c >"$tmp/help" 2>>"$err"
	if [ $rc -ne 0 ] || ! grep -q "^usage: uffd $c" "$out"; then
		bad "$name" "" "(uffd $c --help: status $rc, no 'usage: uffd $c' on stdout)"
	elif ! cmp -s "$out" "$tmp/help"; then
		bad "$name" "" "(uffd help $c differs from uffd $c --help)"
	else
		ok "$name"
	fi
done
"$uffd" help >"$out" 2>"$err"
if [ $? -eq 0 ] && grep -q "^commands:" "$out" && ! grep -q "^usage: uffd restore" "$out"; then
	ok help-general
else
	bad help-general "" "(uffd help: not the list of commands)"
fi

# ---- uffd run --engine E (space form) ---------------------------------------------
for form in space equals; do
	if [ $form = space ]; then set -- --engine emulated; else set -- --engine=emulated; fi
	"$uffd" run "$@" -- sh -c 'echo "$UFFD_ENGINE"' >"$out" 2>"$err"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$out")" = emulated ]; then
		ok "run-engine-$form"
	else
		bad "run-engine-$form" "" "(uffd run $*: status $rc, engine '$(cat "$out")')"
	fi
done

# ---- no \r progress on a stderr that is not a terminal ----------------------------
timeout -k 5 120 "$uffd" bench --only zeropage --reps 2 >"$out" 2>"$err"
rc=$?
if [ $rc -ne 0 ]; then
	bad bench-no-cr "" "(uffd bench --only zeropage --reps 2: status $rc)"
elif tr -d '\n' <"$err" | grep -q "$(printf '\r')"; then
	bad bench-no-cr "" "(carriage returns on a stderr that is a file)"
elif ! grep -q zeropage "$out"; then
	bad bench-no-cr "" "(no zeropage row in the table)"
else
	ok bench-no-cr
fi
timeout -k 5 120 "$uffd" bench xproc --pages 64 --reps 1 >"$out" 2>"$err"
rc=$?
if [ $rc -eq 0 ] && ! tr -d '\n' <"$err" | grep -q "$(printf '\r')"; then
	ok bench-xproc-no-cr
else
	bad bench-xproc-no-cr "" "(status $rc, or carriage returns on a file)"
fi

# ---- a JSON file given by --json-file is written after a run ----------------------
timeout -k 5 120 "$uffd" bench --only zeropage --reps 1 --json-file "$tmp/b.json" \
	>"$out" 2>"$err"
rc=$?
if [ $rc -eq 0 ] && grep -q '"scenario": "[^"]*zeropage' "$tmp/b.json"; then
	ok bench-json-file
else
	bad bench-json-file "" "(status $rc, or no zeropage object in the file)"
fi

# ---- bash completion --------------------------------------------------------------
if ! command -v bash >/dev/null 2>&1; then
	skipped completion "(bash not installed)"
else
	# complete WORDS...: what _uffd offers for the last word
	complete_words() {
		bash -c '. tools/completion.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
			 _uffd; echo "${COMPREPLY[*]}"' uffd "$@" 2>"$err"
	}
	check_completion() {
		name=$1 want=$2
		shift 2
		got=$(complete_words "$@")
		case " $got " in
		*" $want "*) ok "completion-$name" ;;
		*) bad "completion-$name" "" "(uffd $*<TAB>: '$got', expected '$want' among them)" ;;
		esac
	}
	check_completion command restore uffd res
	check_completion bench-option --engines uffd bench --eng
	check_completion bench-sub pager uffd bench pa
	check_completion engine-value emulated uffd run --engine em
	check_completion store-value tcp uffd bench pager --store t
	check_completion help-command snapshot uffd help snap
	check_completion command-handle handle uffd han
	check_completion command-sandbox sandbox uffd sand
	# Every option a command's --help lists is completed.
	missing=""
	for c in probe bench run sandbox serve snapshot restore handle \
		 "bench pager" "bench xproc" "bench preload"; do
		# shellcheck disable=SC2086
		for o in $("$uffd" $c --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			# shellcheck disable=SC2086
			got=$(complete_words uffd $c "$o")
			case " $got " in
			*" $o "*) ;;
			*) missing="$missing $c:$o" ;;
			esac
		done
	done
	if [ -z "$missing" ]; then
		ok completion-every-option
	else
		bad completion-every-option "" "(not completed:$missing)"
	fi
fi

summary
