#!/usr/bin/env bash
# The CPU a distributed run costs against a local one: N runs of the
# built-in example (2^20 simulated years), locally on 2 goroutines, and
# through a real NATS server (built from the nats-server module, which the
# tests already use) with 2 `scrutin worker`s of one goroutine each. It
# prints the CPU time of each side (workers and dispatcher; the NATS
# server's apart) and checks that every distributed result is the local
# one, byte for byte.
#
#   scripts/bench-fleet.sh          # N=5
#   N=8 scripts/bench-fleet.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-5}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/scrutin" ./cmd/scrutin
go build -o "$tmp/nats-server" github.com/nats-io/nats-server/v2
S=$tmp/scrutin
port=$((20000 + RANDOM % 20000))
URL=nats://127.0.0.1:$port
"$tmp/nats-server" -js -sd "$tmp/js" -a 127.0.0.1 -p $port >/dev/null 2>&1 & NP=$!
sleep 1
/usr/bin/time -f "%U %S" -o "$tmp/w1.t" "$S" worker --nats "$URL" --workers 1 2>/dev/null & W1=$!
/usr/bin/time -f "%U %S" -o "$tmp/w2.t" "$S" worker --nats "$URL" --workers 1 2>/dev/null & W2=$!
sleep 1
"$S" run --trials 1 --nats "$URL" >/dev/null 2>&1 # warm-up: streams made, workers ready
loc=0 disp=0
for _ in $(seq "$N"); do
	/usr/bin/time -f "%U %S" -o "$tmp/l.t" "$S" run --trials 1048576 --workers 2 --format json >"$tmp/l.json"
	loc=$(awk -v a="$loc" '{print a+$1+$2}' "$tmp/l.t")
	/usr/bin/time -f "%U %S" -o "$tmp/d.t" "$S" run --trials 1048576 --nats "$URL" --format json >"$tmp/f.json"
	disp=$(awk -v a="$disp" '{print a+$1+$2}' "$tmp/d.t")
	cmp -s "$tmp/l.json" "$tmp/f.json" || { echo "the distributed result differs from the local one"; exit 1; }
done
kill -INT "$(pgrep -P $W1)" "$(pgrep -P $W2)"
wait $W1 $W2 || true
work=$(awk '{s+=$1+$2} END {print s}' "$tmp/w1.t" "$tmp/w2.t")
echo "local: $loc s of CPU for $N runs"
echo "fleet: workers $work s (warm-up included) + dispatcher $disp s; NATS server $(ps -o time= -p $NP)"
awk -v l="$loc" -v w="$work" -v d="$disp" 'BEGIN {printf "overhead: %+.1f %% of CPU; every result identical\n", 100*((w+d)/l-1)}'
