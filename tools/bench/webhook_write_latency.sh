#!/usr/bin/env bash
# Write latency with webhooks to hanging and failing receivers against none, in one run
# (bench_webhook_write_latency). Starts its own expgraphd (auth off) on a temp data dir.
# Usage: tools/bench/webhook_write_latency.sh [writes=2000] [webhooks=4]
set -euo pipefail
cd "$(dirname "$0")/../.."

writes="${1:-2000}"
hooks="${2:-4}"
port="${EXPGRAPH_BENCH_PORT:-18190}"
url="http://127.0.0.1:${port}"

data=$(mktemp -d)
./build/api/expgraphd --data "$data" --port "$port" --quiet --auth off &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
./build/tools/bench/bench_webhook_write_latency "$url" "$writes" "$hooks"
