#!/usr/bin/env bash
# Benchmarks facesim's Truora API: GET /v1/enrollments/{id} under load from wrk (a second process),
# start-up time and idle RSS. Prints a table. Usage: simulator/bench/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${1:-10}
CONNECTIONS=${2:-32}
STARTS=10

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)…" >&2
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq wrk >/dev/null
fi

cargo build --release -q -p facesim
BIN=target/release/facesim
OUT=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$OUT"' EXIT

# Start-up: from exec to the "listening" line, median of $STARTS runs.
startups=()
for _ in $(seq "$STARTS"); do
  t0=$(date +%s%N)
  "$BIN" serve --addr 127.0.0.1:0 >"$OUT/out" 2>/dev/null &
  PID=$!
  until [ -s "$OUT/out" ]; do sleep 0.001; done
  t1=$(date +%s%N)
  startups+=($(( (t1 - t0) / 1000 )))
  kill "$PID"; wait "$PID" 2>/dev/null || true
  : >"$OUT/out"
done
startup_us=$(printf '%s\n' "${startups[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')

"$BIN" serve --addr 127.0.0.1:0 >"$OUT/out" 2>/dev/null &
PID=$!
until [ -s "$OUT/out" ]; do sleep 0.01; done
URL=$(head -1 "$OUT/out" | sed 's/^facesim listening on //')
sleep 0.5
idle_rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")

KEY='Truora-API-Key: truora-sim-key'
ENR=$(curl -s -X POST "$URL/truora/validations/v1/enrollments" -H "$KEY" \
  -d type=face-recognition -d user_authorized=true -d account_id=bench)
ID=$(echo "$ENR" | sed -n 's/.*"enrollment_id":"\([^"]*\)".*/\1/p')
curl -s -X PUT "$(echo "$ENR" | sed -n 's/.*"file_upload_link":"\([^"]*\)".*/\1/p')" \
  --data-binary @simulator/fixtures/alice-reference.png >/dev/null

wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$KEY" \
  "$URL/truora/validations/v1/enrollments/$ID" >"$OUT/wrk"
rps=$(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk")
p50=$(awk '$1 == "50%" {print $2}' "$OUT/wrk")
p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk")
errors=$(awk '/Non-2xx|Socket errors/' "$OUT/wrk")
loaded_rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")

echo
echo "facesim benchmark ($(nproc) cores, wrk -t2 -c$CONNECTIONS -d${DURATION}s, release build)"
printf '| %-46s | %14s |\n' "metric" "value"
printf '|%s|%s|\n' "------------------------------------------------" "----------------"
printf '| %-46s | %14s |\n' "GET /v1/enrollments/{id} requests/s" "$rps"
printf '| %-46s | %14s |\n' "GET /v1/enrollments/{id} latency p50" "$p50"
printf '| %-46s | %14s |\n' "GET /v1/enrollments/{id} latency p99" "$p99"
printf '| %-46s | %11s ms |\n' "start-up to listening line (median of $STARTS)" "$(awk "BEGIN {printf \"%.1f\", $startup_us/1000}")"
printf '| %-46s | %11s MB |\n' "idle RSS" "$(awk "BEGIN {printf \"%.1f\", $idle_rss_kb/1024}")"
printf '| %-46s | %11s MB |\n' "RSS after the load" "$(awk "BEGIN {printf \"%.1f\", $loaded_rss_kb/1024}")"
[ -z "$errors" ] || echo "wrk reported: $errors"
