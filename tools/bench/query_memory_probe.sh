#!/usr/bin/env bash
# Query budget probe (issue 16, item 5): runs the four queries that used to outlive their time
# limit or take gigabytes, and one large query that succeeds, each on a fresh expgraphd with
# default limits (the sort and collect queries with "limit": 1000000), and prints per query: HTTP status, error code, answer time, the server's
# peak RSS (VmHWM) and its RSS before the query and 1 s after the answer. A server that passes
# EXPGRAPH_PROBE_CAP_MIB (default 3072) of RSS is killed, so that a probe of an unbounded build
# cannot take the machine's memory: its line then says "killed at cap" with the time it took.
# Usage: tools/bench/query_memory_probe.sh [nodes=2000] [query names...]   (default: all five;
# EXPGRAPH_SERVER: the binary to probe)
set -euo pipefail
cd "$(dirname "$0")/../.."

nodes="${1:-2000}"
shift || true
only=" $* "
port="${EXPGRAPH_BENCH_PORT:-18291}"
url="http://127.0.0.1:${port}"
server_binary="${EXPGRAPH_SERVER:-./build/api/expgraphd}"
cap_kib=$((${EXPGRAPH_PROBE_CAP_MIB:-3072} * 1024))
[ -x "$server_binary" ] || { echo "build expgraphd first (tools/build)" >&2; exit 2; }

work=$(mktemp -d)
server=""
stop_server() {
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

batch="$work/batch.json"
awk -v n="$nodes" 'BEGIN {
  printf "{\"nodes\": ["
  for (i = 0; i < n; i++) printf "%s{\"type\": \"Channel\", \"key\": \"c%d\", \"properties\": {\"name\": \"channel %d\"}}", (i ? "," : ""), i, i
  printf "]}"
}' >"$batch"

kib() { awk -v field="$1:" '$1 == field {print $2}' "/proc/$server/status"; }

probe() {
  local name="$1" body="$2"
  [ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
  rm -rf "$work/data"
  "$server_binary" --data "$work/data" --port "$port" --quiet --auth off 2>"$work/server.log" &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS -X POST "$url/v1/batch" -H "Content-Type: application/json" \
    --data-binary @"$batch" >/dev/null
  local before
  before=$(kib VmRSS)
  rm -f "$work/killed" "$work/answer.json"
  (
    while kill -0 "$server" 2>/dev/null; do
      rss=$(kib VmRSS 2>/dev/null || echo 0)
      if [ "${rss:-0}" -gt "$cap_kib" ]; then
        kib VmHWM >"$work/killed"
        kill -KILL "$server"
        break
      fi
      sleep 0.05
    done
  ) &
  local watchdog=$!
  local answer
  answer=$(curl -sS -o "$work/answer.json" -w '%{http_code} %{time_total}' --max-time 120 \
    -X POST "$url/v1/query" -H "Content-Type: application/json" --data-binary "$body" || true)
  if [ -s "$work/killed" ]; then
    wait "$watchdog" 2>/dev/null || true
    printf '%-10s killed at cap after %6.3f s  VmHWM %7d MiB\n' "$name" "${answer#* }" \
      $(($(cat "$work/killed") / 1024))
    wait "$server" 2>/dev/null || true
    server=""
    return
  fi
  sleep 1
  local code
  code=$(sed -n 's/.*"code":"\([a-z_]*\)".*/\1/p' "$work/answer.json" 2>/dev/null || true)
  printf '%-10s http %s  %6.3f s  %-20s VmHWM %7d MiB  VmRSS before %4d MiB, 1 s after %5d MiB\n' \
    "$name" "${answer% *}" "${answer#* }" "${code:-ok}" $(($(kib VmHWM) / 1024)) \
    $((before / 1024)) $(($(kib VmRSS) / 1024))
  stop_server
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $nodes nodes"
probe range '{"query": "RETURN size(range(1, 10000000)) AS n", "timeout_ms": 100}'
probe replace '{"query": "WITH $s AS s WITH replace(s, \"a\", s) AS s WITH replace(s, \"a\", s) AS s WITH replace(s, \"a\", s) AS s RETURN size(replace(s, \"a\", s)) AS n", "params": {"s": "aaaaaaaaaa"}, "timeout_ms": 1000}'
probe concat '{"query": "WITH range(1, 10000000) AS r RETURN size(r + r + r + r + r) AS n", "timeout_ms": 1000}'
# Succeeds within the default budget, leaving a million small freed blocks: does RSS come back?
probe collect '{"query": "UNWIND range(1, 1000000) AS x WITH collect(toString(x) + \" and some padding\") AS c RETURN size(c) AS n", "limit": 1000000, "timeout_ms": 60000}'
probe sort '{"query": "MATCH (a), (b) RETURN a.key, b.key ORDER BY a.key LIMIT 1", "limit": 1000000, "timeout_ms": 60000}'
