#!/usr/bin/env bash
# Replication lag benchmark (docs/scale-out.md): a primary and two read replicas on loopback,
# then tools/bench/replication_lag.py: the lag of each acknowledged write until it is readable on
# each replica (median, p99), the replicas' CPU per applied write, and CPU per read request on the
# primary and on a replica. Prints the machine's load before and after: the figures are only
# comparable between runs on equally loaded machines.
# Usage: tools/bench/replication_lag.sh [writes_per_second=50] [seconds=20] [reads=5000]
set -euo pipefail
cd "$(dirname "$0")/../.."

rate="${1:-50}"
seconds="${2:-20}"
reads="${3:-5000}"
port="${EXPGRAPH_BENCH_PORT:-18290}"
server_binary="${EXPGRAPH_SERVER:-./build/api/expgraphd}"
[ -x "$server_binary" ] || { echo "build expgraphd first (tools/build)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
wait_ready() {
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "server on port $1 did not become ready" >&2; exit 1
}

"$server_binary" --data "$work/primary" --port "$port" --quiet --auth off 2>"$work/primary.log" &
primary=$!; pids+=("$primary")
wait_ready "$port"
# Some data before the replicas bootstrap from it.
curl -fsS -X POST "http://127.0.0.1:$port/v1/batch" -H "Content-Type: application/json" \
  --data-binary @tools/demo/demo-graph.json >/dev/null
replica_pids=()
for i in 1 2; do
  "$server_binary" --data "$work/replica$i" --port $((port + i)) --quiet --auth off \
    --replica-of "http://127.0.0.1:$port" 2>"$work/replica$i.log" &
  replica_pids+=("$!"); pids+=("$!")
done
wait_ready $((port + 1)); wait_ready $((port + 2))

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
python3 tools/bench/replication_lag.py "$port" "$((port + 1)),$((port + 2))" \
  "$(IFS=,; echo "${replica_pids[*]}")" "$primary" "$rate" "$seconds" "$reads"
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
