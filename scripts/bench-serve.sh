#!/usr/bin/env bash
# Load test of `scrutin serve` (README, "Performance"): 200 clients on a
# read mix (list the models, get a finished run, the dashboard page), the
# server on core 0 and the load generator (wrk) on core 1.
#
#   scripts/bench-serve.sh [-c CONNECTIONS] [-d SECONDS] [-t TRIALS] [-b BINARY] [-e]
#
# It starts the server on a fresh data directory (the demonstration
# organisation and its built-in model), gets an API token (pages accept it
# as well as a session cookie), runs the model once (TRIALS simulated
# years, default 100,000) and waits for the run to succeed, warms up for 5
# s, then drives the mix for SECONDS (default 30) with CONNECTIONS
# (default 200) and prints wrk's latency distribution (50/75/90/99 %) and
# throughput, and the server's CPU time per request. With -e, each request
# of the mix is then measured alone too.
# Needs wrk (Debian: apt-get install wrk), curl and taskset. With KEEP=FILE
# in the environment, the server's log (a JSON line per request, with its
# duration) is kept there.
set -euo pipefail
cd "$(dirname "$0")/.."

conns=200
secs=30
trials=100000
bin=
each=
while getopts c:d:t:b:e opt; do
	case $opt in
	c) conns=$OPTARG ;;
	d) secs=$OPTARG ;;
	t) trials=$OPTARG ;;
	b) bin=$OPTARG ;;
	e) each=1 ;;
	*) exit 2 ;;
	esac
done
for cmd in wrk curl taskset; do
	command -v $cmd >/dev/null || { echo "bench-serve: $cmd is needed" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/scrutin-bench-serve.XXXXXX)
if [ -z "$bin" ]; then
	bin=$dir/scrutin
	go build -o "$bin" ./cmd/scrutin
fi
port=$((20000 + RANDOM % 20000))
url=http://127.0.0.1:$port
password=bench-serve-password
SCRUTIN_ADMIN_PASSWORD=$password taskset -c 0 "$bin" serve --data "$dir/data" --addr "127.0.0.1:$port" >"$dir/serve.out" 2>"$dir/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -n "${KEEP:-}" ] && cp "$dir/serve.log" "$KEEP"; rm -rf "$dir"' EXIT
for _ in $(seq 100); do
	curl -sf "$url/healthz" >/dev/null && break
	sleep 0.2
done

json() { sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",}]*\).*/\1/p" | head -1; }
token=$(curl -sf -X POST "$url/api/v1/auth/token" -H 'Content-Type: application/json' \
	-d "{\"email\":\"admin@localhost\",\"password\":\"$password\",\"name\":\"bench\"}" | json token)
auth=(-H "Authorization: Bearer $token")
model=$(curl -sf "${auth[@]}" "$url/api/v1/orgs/demo/models" | json id)
run=$(curl -sf "${auth[@]}" -X POST "$url/api/v1/orgs/demo/models/$model/runs" -H 'Content-Type: application/json' \
	-d "{\"trials\":$trials,\"seed\":1}" | json id)
status=
for _ in $(seq 600); do
	status=$(curl -sf "${auth[@]}" "$url/api/v1/orgs/demo/runs/$run" | json status)
	case $status in succeeded | failed | canceled) break ;; esac
	sleep 0.5
done
[ "$status" = succeeded ] || { echo "bench-serve: run $run is $status" >&2; exit 1; }
for p in "/api/v1/orgs/demo/models" "/api/v1/orgs/demo/runs/$run" "/orgs/demo"; do
	code=$(curl -s -o "$dir/page" -w '%{http_code}' "${auth[@]}" -H 'Accept-Encoding: gzip' "$url$p")
	echo "GET $p: $code, $(wc -c <"$dir/page") bytes"
	[ "$code" = 200 ] || { echo "bench-serve: GET $p answered $code" >&2; exit 1; }
done

# The server's CPU time (user and system, in clock ticks), to give its
# CPU time per request, which other processes on the machine distort less
# than the latencies.
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
measure() {
	local before after out n
	before=$(ticks)
	out=$(taskset -c 1 wrk -t2 -c"$conns" -d"${secs}s" --latency -s scripts/bench-serve.lua "$url" -- "$token" demo "$run" "$@")
	after=$(ticks)
	echo "$out"
	n=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
	echo "Server CPU per request: $(( (after - before) * 1000000 / hz / (n > 0 ? n : 1) )) µs ($(( (after - before) / hz )) s for $n requests)"
}

echo "load before: $(uptime | sed 's/.*load average: //')"
taskset -c 1 wrk -t2 -c"$conns" -d5s -s scripts/bench-serve.lua "$url" -- "$token" demo "$run" >/dev/null
echo "== mix: models, run, dashboard; $conns connections, ${secs}s"
measure
if [ -n "$each" ]; then
	for only in models run dashboard; do
		echo "== $only alone"
		measure "$only"
	done
fi
echo "load after: $(uptime | sed 's/.*load average: //')"
