#!/usr/bin/env bash
# End-to-end measurement of `scrutin ingest` (README, "Performance"):
# 1,002,528 real Zeek JSON lines (177 copies of the OTRF APT29 day-2
# combined_zeek.log) matched against a STIX bundle of 100,000 indicators,
# wall time of the whole command, bundle loading included.
#
#   scripts/bench-ingest.sh [-n RUNS] [-o DIR] [-s SNAPSHOT] [-b BINARY]
#
# SNAPSHOT is a git directory of OTRF/Security-Datasets at commit
# d9d40ef123d2c87d5d3df28c96bcab4f0faccc87 (or any commit with the same
# day-2 file; the script checks its SHA-256) or the file
# datasets/compound/apt29/day2/zeek/combined_zeek.log itself. Without one it
# falls back to the day-1 file of ../shared/data (2,140 lines; 469 copies
# = 1,003,660 lines) and says so. The bundle is written by the
# evidence package's generator (TestWriteIndicatorBundle, same mix as the
# matcher benchmarks). Inputs go to DIR (default /tmp/scrutin-bench-ingest)
# and are reused when present. Each run prints its wall time and lines/s;
# the last line is the median.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
dir=/tmp/scrutin-bench-ingest
snapshot=${OTRF_SNAPSHOT:-}
bin=
while getopts n:o:s:b: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	o) dir=$OPTARG ;;
	s) snapshot=$OPTARG ;;
	b) bin=$OPTARG ;;
	*) exit 2 ;;
	esac
done
mkdir -p "$dir"

day2_sha=218a40ec39926efd4e2cb482f9bdb699f9ff92cdecbb85c6e8c6fd53ea1652ec
day2_path=datasets/compound/apt29/day2/zeek/combined_zeek.log
day1=../shared/data/telemetry/zeek/otrf-apt29-day1-combined_zeek.jsonl
[ -f "$day1" ] || day1=/work/shared/data/telemetry/zeek/otrf-apt29-day1-combined_zeek.jsonl

log=$dir/zeek.log
if [ ! -s "$log" ]; then
	src=$dir/one.log
	if [ -n "$snapshot" ] && [ -d "$snapshot" ]; then
		git --git-dir="$snapshot" cat-file -p "HEAD:$day2_path" >"$src"
	elif [ -n "$snapshot" ] && [ -f "$snapshot" ]; then
		cp "$snapshot" "$src"
	fi
	if [ -s "$src" ] && [ "$(sha256sum <"$src" | cut -d' ' -f1)" = "$day2_sha" ]; then
		copies=177
		echo "input: OTRF APT29 day 2 combined_zeek.log ($(wc -l <"$src") lines) x $copies" >&2
	else
		[ -n "$snapshot" ] && echo "warning: $snapshot does not give the day-2 file (SHA-256 $day2_sha); using day 1" >&2
		cp "$day1" "$src"
		copies=469
		echo "input: OTRF APT29 day 1 combined_zeek.log ($(wc -l <"$src") lines) x $copies (day 2 unavailable)" >&2
	fi
	for _ in $(seq "$copies"); do cat "$src"; done >"$log.tmp"
	mv "$log.tmp" "$log"
fi
iocs=$dir/iocs.json
if [ ! -s "$iocs" ]; then
	go test -c -o "$dir/evidence.test" ./internal/evidence/
	"$dir/evidence.test" -test.run '^TestWriteIndicatorBundle$' -bundle.out "$iocs" -bundle.n 100000 -test.v | grep -F "$iocs" >&2
fi
if [ -z "$bin" ]; then
	bin=$dir/scrutin
	go build -o "$bin" ./cmd/scrutin
fi
lines=$(wc -l <"$log")
echo "$lines lines ($(du -m "$log" | cut -f1) MB), bundle $(du -m "$iocs" | cut -f1) MB; load: $(uptime | sed 's/.*load average: //')" >&2

rates=()
for i in $(seq "$runs"); do
	start=$(date +%s.%N)
	# The CPU time (user + system), which other processes on the machine
	# distort less than the wall time.
	if [ -x /usr/bin/time ]; then
		cpu=$( { /usr/bin/time -f '%U %S' "$bin" ingest "$log" --kind zeek --iocs "$iocs" --format json >"$dir/out.json"; } 2>&1 | tail -1)
	else
		cpu="? ?"
		"$bin" ingest "$log" --kind zeek --iocs "$iocs" --format json >"$dir/out.json"
	fi
	end=$(date +%s.%N)
	rate=$(echo "$lines / ($end - $start)" | bc)
	printf 'run %d: %.2f s, %d lines/s (CPU %s s user, system)\n' "$i" "$(echo "$end - $start" | bc)" "$rate" "$cpu"
	rates+=("$rate")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}')
echo "median: $median lines/s over $runs runs (load after: $(uptime | sed 's/.*load average: //'))"
