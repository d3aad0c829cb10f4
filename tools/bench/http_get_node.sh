#!/usr/bin/env bash
# Measures GET /v1/nodes/{type}/{key} over HTTP against GET /healthz in the same run with wrk
# (loopback only, bounded in time). Starts its own expgraphd on a temp data dir with the demo
# graph. Usage: tools/bench/http_get_node.sh [seconds=10] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${1:-10}"
connections="${2:-32}"
port="${EXPGRAPH_BENCH_PORT:-18180}"
url="http://127.0.0.1:${port}"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 2; }

data=$(mktemp -d)
./build/api/expgraphd --data "$data" --port "$port" --quiet --auth off &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -X POST "$url/v1/batch" -H "Content-Type: application/json" \
  --data-binary @tools/demo/demo-graph.json >/dev/null

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
for path in /healthz /v1/nodes/Experiment/EXP-2041; do
  echo "== wrk -t2 -c${connections} -d${seconds}s --latency ${url}${path}"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "${url}${path}" |
    grep -E "Requests/sec|Non-2xx|Socket errors| 50%| 99%"
done
