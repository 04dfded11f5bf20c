#!/bin/sh
# Measurement of a run's report download from the web UI (README, "The web
# UI"): starts BINARY (`scrutin serve`) on a fresh data directory and PORT,
# runs the demo model (100,000 years, seed 1) through the API, signs in as
# a browser does, then downloads the run's report as a browser without
# JavaScript gets it: the first answer (what the person sees first), then
# the file (following the waiting page's reloads, every 2 s as its meta
# refresh says, and its last refresh to the download link). Then again
# (kept), and with a plan of the run stored.
#
#   scripts/bench-report.sh BINARY [PORT]     e.g. go build -o /tmp/scrutin ./cmd/scrutin
#
# Needs curl and bc.
set -e
BIN=$1; PORT=${2:-18431}; D=$(mktemp -d); B=http://127.0.0.1:$PORT
SCRUTIN_ADMIN_PASSWORD=measure-password-123 $BIN serve --data $D --addr 127.0.0.1:$PORT >$D/log 2>&1 &
PID=$!
trap 'kill $PID; rm -rf $D' EXIT
for i in $(seq 50); do curl -sf $B/healthz >/dev/null && break; sleep 0.2; done
TOK=$(curl -sf -X POST $B/api/v1/auth/token -H 'Content-Type: application/json' -d '{"email":"admin@localhost","password":"measure-password-123"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
H="Authorization: Bearer $TOK"
M=$(curl -sf -H "$H" $B/api/v1/orgs/demo/models | sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/')
RUN=$(curl -sf -H "$H" -X POST -H 'Content-Type: application/json' -d '{"seed":1}' $B/api/v1/orgs/demo/models/$M/runs | sed 's/.*"id":\([0-9]*\).*/\1/')
until curl -sf -H "$H" $B/api/v1/orgs/demo/runs/$RUN | grep -q '"status":"succeeded"'; do sleep 0.5; done
J=$D/jar
curl -sf -c $J -o /dev/null -X POST -H "Origin: $B" -H 'Sec-Fetch-Site: same-origin' --data-urlencode email=admin@localhost --data-urlencode password=measure-password-123 $B/signin
U="$B/orgs/demo/runs/$RUN/report?format=html"
start=$(date +%s.%N)
curl -sL -b $J -o $D/got -w "first answer: %{http_code} %{content_type} after %{time_total} s (%{url_effective})\n" "$U"
n=0
while grep -q 'id="report-progress"' $D/got; do     # the waiting page: it reloads itself
  sleep 2; n=$((n+1)); [ $n -lt 100 ] || exit 1
  curl -sL -b $J -o $D/got "$B/orgs/demo/runs/$RUN/report/wait?format=html"
  grep -o "id=\"progress-label\">[^<]*" $D/got | sed "s/.*>/  waiting page: /" || true
done
if grep -q 'content="0;url=' $D/got; then           # ready: its refresh downloads the file
  curl -s -b $J -o $D/got "$U"
fi
end=$(date +%s.%N)
echo "the file: $(head -c 15 $D/got) … $(wc -c <$D/got) bytes after $(echo "$end - $start" | bc) s ($n reloads of the waiting page)"
curl -s -b $J -o /dev/null -w 'again (kept): %{http_code} in %{time_total} s\n' "$U"
PLAN=$(curl -sf -H "$H" -X POST -H 'Content-Type: application/json' -d '{"budget":500000,"seed":1}' $B/api/v1/orgs/demo/models/$M/plans | sed 's/.*"id":\([0-9]*\).*/\1/')
until curl -sf -H "$H" $B/api/v1/orgs/demo/plans/$PLAN | grep -q '"status":"succeeded"'; do sleep 0.5; done
curl -s -b $J -o /dev/null -w "with plan $PLAN of the run stored: %{http_code} %{content_type} in %{time_total} s\n" "$U"
