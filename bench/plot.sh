#!/bin/sh
# Plot `uffd bench --json` output: median latency per fault (with p90 and
# p99 as error bars) for each scenario, one bar per engine, log scale.
#
#   bench/plot.sh results.json out.svg
#
# Needs gnuplot (Debian: gnuplot-nox).
set -e
in=${1:?usage: bench/plot.sh results.json out.svg}
out=${2:?usage: bench/plot.sh results.json out.svg}
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One line per object: scenario engine median p90 p99 (microseconds).
sed -n 's/.*"scenario": "\([^"]*\)", "engine": "\([^"]*\)", "ns_per_fault_median": \([0-9.]*\), "p90": \([0-9.]*\), "p99": \([0-9.]*\).*/\1 \2 \3 \4 \5/p' "$in" |
	grep -v '^ioctl/' > "$tmp/all"

# Columns: scenario, then median/p90/p99 for kernel, emulated, none.
awk '
	{ s[$1] = 1; key = $1 SUBSEP $2; med[key] = $3 / 1000; p90[key] = $4 / 1000; p99[key] = $5 / 1000; order[++n] = $1 }
	END {
		for (i = 1; i <= n; i++) {
			sc = order[i]
			if (seen[sc]++) continue
			line = sc
			split("kernel emulated none", E, " ")
			for (j = 1; j <= 3; j++) {
				k = sc SUBSEP E[j]
				if (k in med) line = line " " med[k] " " p90[k] " " p99[k]
				else line = line " - - -"
			}
			print line
		}
	}' "$tmp/all" > "$tmp/data"

cat > "$tmp/plot.gp" <<GP
set terminal svg size 1100,560 dynamic background rgb 'white' font 'sans,11'
set output '$out'
set title 'libuffd: time per fault, median (bars) with p90..p99 (whiskers)'
set ylabel 'microseconds per fault (log scale)'
set logscale y
set yrange [0.1:*]
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
# Labels end at their tick, slanting down to the left: a long last label
# cannot run off the right edge (it did with 'rotate by -35').
set xtics rotate by 35 right scale 0 font ',9'
set key top left
set grid ytics
set datafile missing '-'
plot '$tmp/data' using 2:3:4:xtic(1) title 'kernel' lc rgb '#4a7ab5', \
     '' using 5:6:7 title 'emulated' lc rgb '#d9822b', \
     '' using 8:9:10 title 'no uffd (baseline)' lc rgb '#7a7a7a'
GP
gnuplot "$tmp/plot.gp"
echo "plot.sh: wrote $out"
