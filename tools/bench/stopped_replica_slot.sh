#!/usr/bin/env bash
# How long a stopped replica keeps its stream slot on a quiet primary (docs/scale-out.md,
# "Replies"): a primary (--threads 4) and one read replica on loopback; once the replica follows,
# it is stopped with SIGSTOP and /metrics of the primary is read every 50 ms until
# expgraph_replication_streams is 0 again, or `limit` seconds passed. Prints that time and the
# primary's log line for the stream it ended. EXPGRAPH_REPLICA_SERVER runs the replica with
# another binary (an older replica on a newer primary, or the reverse).
# Usage: tools/bench/stopped_replica_slot.sh [limit_seconds=60] ["primary flags"] ["replica flags"]
#   e.g. tools/bench/stopped_replica_slot.sh 20 "--replication-reply-timeout 3" \
#          "--replication-reply-interval 1"
set -euo pipefail
cd "$(dirname "$0")/../.."

limit="${1:-60}"
primary_flags="${2:-}"
replica_flags="${3:-}"
port="${EXPGRAPH_BENCH_PORT:-18471}"
server_binary="${EXPGRAPH_SERVER:-./build/api/expgraphd}"
replica_binary="${EXPGRAPH_REPLICA_SERVER:-$server_binary}"
[ -x "$server_binary" ] || { echo "build expgraphd first (tools/build)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
replica=""
cleanup() {
  [ -n "$replica" ] && kill -CONT "$replica" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
wait_ready() {
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "server on port $1 did not become ready" >&2; exit 1
}
streams() {
  curl -fsS "http://127.0.0.1:$port/metrics" | awk '$1 == "expgraph_replication_streams" {print $2}'
}

# shellcheck disable=SC2086  # the flags are words
"$server_binary" --data "$work/primary" --port "$port" --quiet --auth off --threads 4 \
  $primary_flags 2>"$work/primary.log" &
pids+=($!)
wait_ready "$port"
curl -fsS -X PUT "http://127.0.0.1:$port/v1/nodes/Learning/l1" -H "Content-Type: application/json" \
  -d '{"properties": {"text": "anchoring"}}' >/dev/null
# shellcheck disable=SC2086
"$replica_binary" --data "$work/replica" --port $((port + 1)) --quiet --auth off \
  --replica-of "http://127.0.0.1:$port" $replica_flags 2>"$work/replica.log" &
replica=$!
pids+=("$replica")
wait_ready $((port + 1))
sleep 1
echo "streams before SIGSTOP: $(streams)"
kill -STOP "$replica"
start=$(date +%s%N)
while true; do
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$(streams)" = "0" ]; then
    echo "the stopped replica's slot was freed ${elapsed_ms} ms after SIGSTOP"
    break
  fi
  if [ "$elapsed_ms" -ge $((limit * 1000)) ]; then
    echo "the stopped replica still held its slot after ${limit} s"
    break
  fi
  sleep 0.05
done
grep "ending update stream" "$work/primary.log" || true
