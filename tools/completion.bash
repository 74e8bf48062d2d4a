# SPDX-License-Identifier: MIT
# Bash completion for the `uffd` tool (installed as
# $PREFIX/share/bash-completion/completions/uffd).  Plain bash: compgen
# and complete only, no bash-completion helpers required.

_uffd_words() {
	# Options of each command, as `uffd CMD --help` lists them.
	case "$1" in
	probe)		echo "--json --help" ;;
	bench)		echo "pager xproc preload --json --json-file --reps --full --only --engines --help" ;;
	bench-pager)	echo "--size --engines --store --modes --batch --workers --json --handler --help" ;;
	bench-xproc)	echo "--json --reps --pages --threads --engines --help" ;;
	bench-preload)	echo "--json --reps --iters --loop --preload --stat --max-overhead --help" ;;
	run)		echo "--engine --deny-kernel --force --help --" ;;
	sandbox)	echo "--verbose --help --" ;;
	handle)		echo "--socket --once --raw --redis --prefix --workers --no-prefetch --readahead --batch --record --replay --on-error --timeout --mmap --quiet --help" ;;
	serve)		echo "--listen --verify --help" ;;
	snapshot)	echo "--size --seed --pid --range --redis --prefix --help" ;;
	restore)	echo "--redis --prefix --engine --workers --queues --no-prefetch --readahead --batch --record --replay --on-error --timeout --mmap --query --quiet --help" ;;
	version)	echo "--help" ;;
	esac
}

_uffd() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local commands="probe bench run sandbox serve snapshot restore handle version help"
	local cmd=${COMP_WORDS[1]} i w prog=
	COMPREPLY=()

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi
	# `uffd run|sandbox [options] [--] PROGRAM ARGS`: the program's command line.
	if [ "$cmd" = run ] || [ "$cmd" = sandbox ]; then
		for ((i = 2; i <= COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			if [ "$w" = -- ]; then
				prog=$((i + 1))
				break
			elif [ "${COMP_WORDS[i-1]}" != --engine ] && [[ "$w" != -* ]]; then
				prog=$i
				break
			fi
		done
		if [ -n "$prog" ]; then
			if [ "$COMP_CWORD" -eq "$prog" ]; then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			return
		fi
	fi
	if [ "$cmd" = bench ] && [ "$COMP_CWORD" -gt 2 ]; then
		case "${COMP_WORDS[2]}" in
		pager|xproc|preload) cmd=bench-${COMP_WORDS[2]} ;;
		esac
	fi
	case "$prev" in
	--engine)	COMPREPLY=($(compgen -W "auto kernel emulated" -- "$cur")); return ;;
	--engines)	COMPREPLY=($(compgen -W "kernel emulated kernel,emulated" -- "$cur")); return ;;
	--store)	COMPREPLY=($(compgen -W "file tcp file,tcp" -- "$cur")); return ;;
	--modes)	COMPREPLY=($(compgen -W "demand prefetch replay demand,prefetch,replay" -- "$cur")); return ;;
	--on-error)	COMPREPLY=($(compgen -W "sigbus zero wait" -- "$cur")); return ;;
	--stat)		COMPREPLY=($(compgen -W "best median" -- "$cur")); return ;;
	--json-file|--record|--replay|--loop|--preload|--socket)
			COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--listen|--redis|--prefix|--reps|--only|--size|--seed|--pid|--range|--batch|--workers|--queues|--readahead|--timeout|--query|--pages|--threads|--iters|--max-overhead)
			return ;;
	esac
	if [ "$cmd" = help ]; then
		[ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		[ "$COMP_CWORD" -eq 3 ] && [ "$prev" = bench ] &&
			COMPREPLY=($(compgen -W "pager xproc preload" -- "$cur"))
		return
	fi
	if [[ "$cur" == -* ]] || [ "$cmd" = bench ]; then
		COMPREPLY=($(compgen -W "$(_uffd_words "$cmd")" -- "$cur"))
	fi
	# Images and plans are files.
	case "$cmd" in
	serve|snapshot|restore|handle)
		[[ "$cur" == -* ]] || COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}

complete -F _uffd uffd
