#!/usr/bin/env bash
# Load test: a fresh expgraphd with the demo graph under a mixed read/write wrk load
# (tools/bench/load_mixed.lua) on loopback for a bounded time. Prints requests, non-2xx and
# socket errors, then checks that no acknowledged write was lost (the server's node count
# against the 201s wrk saw) and samples the server's RSS every 5 s. The mixed phase grows the
# data (and so RSS); a read-only phase of the same length follows, where RSS must stay flat.
# Usage: tools/bench/load_test.sh [seconds=60] [connections=16] [threads=2]
# Exit status 1 on any non-2xx, socket error or lost write.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${1:-60}"
connections="${2:-16}"
threads="${3:-2}"
port="${EXPGRAPH_BENCH_PORT:-18190}"
url="http://127.0.0.1:${port}"
server_binary="${EXPGRAPH_SERVER:-./build/api/expgraphd}"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 2; }
[ -x "$server_binary" ] || { echo "build expgraphd first (tools/build)" >&2; exit 2; }

work=$(mktemp -d)
"$server_binary" --data "$work/data" --port "$port" --quiet --auth off 2>"$work/server.log" &
server=$!
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
  kill -TERM "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -X POST "$url/v1/batch" -H "Content-Type: application/json" \
  --data-binary @tools/demo/demo-graph.json >/dev/null
nodes_before=$(curl -fsS "$url/readyz" | sed 's/.*"nodes":\([0-9]*\).*/\1/')

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== wrk -t${threads} -c${connections} -d${seconds}s, mixed: 40% PUT, 25% GET, 20% neighborhood, 15% query"
(
  while true; do
    echo "rss_sample_mib $(( $(rss_kib) / 1024 ))"
    sleep 5
  done
) >"$work/rss.txt" &
sampler=$!
wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s tools/bench/load_mixed.lua \
  "$url" >"$work/wrk.txt"
kill "$sampler" 2>/dev/null || true
sampler=""
grep -E "Requests/sec|Transfer/sec" "$work/wrk.txt" || true
sed -n '/^requests /,$p' "$work/wrk.txt"

acknowledged=$(awk '/^acknowledged_writes/ {print $2}' "$work/wrk.txt")
non_2xx=$(awk '/^non_2xx/ {print $2}' "$work/wrk.txt")
socket_errors=$(awk '/^socket_errors/ {print $2}' "$work/wrk.txt")
nodes_after=$(curl -fsS "$url/readyz" | sed 's/.*"nodes":\([0-9]*\).*/\1/')
stored=$(( nodes_after - nodes_before ))
# Requests in flight when wrk stopped may have been written without wrk reading the 201.
echo "writes: acknowledged ${acknowledged}, stored ${stored} (in flight at the end: $(( stored - acknowledged )))"
samples=$(awk '/rss_sample_mib/ {printf "%s ", $2}' "$work/rss.txt")
echo "rss_mib every 5 s: ${samples}"
echo "rss_mib at end: $(( $(rss_kib) / 1024 ))"

# Same load without writes: memory must not grow once the data does not.
echo "== read-only phase: wrk -t${threads} -c${connections} -d${seconds}s, WRITE_PERCENT=0"
rss_start=$(( $(rss_kib) / 1024 ))
WRITE_PERCENT=0 wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s \
  -s tools/bench/load_mixed.lua "$url" >"$work/wrk-read.txt"
grep -E "Requests/sec" "$work/wrk-read.txt" || true
sed -n '/^requests /,$p' "$work/wrk-read.txt"
rss_end=$(( $(rss_kib) / 1024 ))
echo "read-only phase rss_mib: start ${rss_start}, end ${rss_end}"
read_non_2xx=$(awk '/^non_2xx/ {print $2}' "$work/wrk-read.txt")

status=0
if [ "$read_non_2xx" != 0 ]; then echo "ERRORS in the read-only phase"; status=1; fi
if [ "$stored" -lt "$acknowledged" ]; then echo "LOST WRITES: $(( acknowledged - stored ))"; status=1; fi
if [ "$non_2xx" != 0 ] || [ "$socket_errors" != 0 ]; then echo "ERRORS in the run"; status=1; fi
exit $status
