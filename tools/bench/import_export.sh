#!/usr/bin/env bash
# Issue 6: bulk import and export speed through the CLI against a real expgraphd (WAL on).
# (1) a generated skewed graph (default 1M nodes / 10M edges, tools/bench/skewed_graph.h) as
#     JSON Lines, imported into a fresh data dir with the bench ontology, then exported;
# (2) the whole Upworthy archive (expgraph import --format upworthy) into a fresh data dir with
#     the default ontology and the similarity index (hashing embedder) on, then exported.
# Prints items (nodes+edges) per second, edges per second, wall time and the server's peak RSS
# (VmHWM) for each import, and the export rate. Everything listens on 127.0.0.1 only; servers
# and the temp dir go on exit.
# Usage: tools/bench/import_export.sh [nodes=1000000] [edges=10000000]   (from a built tree:
#        needs build/api/expgraphd, build/tools/expgraph, build/tools/bench/bench_skewed_jsonl)
# Env: EXPGRAPH_BENCH_BIN (see below), EXPGRAPH_BENCH_DIR (work dir; default a fresh mktemp dir, removed on exit unless
#      EXPGRAPH_BENCH_KEEP=1), EXPGRAPH_BENCH_SKIP_UPWORTHY=1, EXPGRAPH_BENCH_SKIP_GENERATED=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

nodes="${1:-1000000}"
edges="${2:-10000000}"
# EXPGRAPH_BENCH_BIN: a directory with copies of expgraphd, expgraph and bench_skewed_jsonl
# (so that a long run is not disturbed by a rebuild of the tree).
bin="${EXPGRAPH_BENCH_BIN:-}"
expgraphd="${bin:-$root/build/api}/expgraphd"
cli="${bin:-$root/build/tools}/expgraph"
generator="${bin:-$root/build/tools/bench}/bench_skewed_jsonl"
upworthy="$root/../shared/data/upworthy/upworthy-packages-2013-2014.csv"
for binary in "$expgraphd" "$cli" "$generator"; do
  [[ -x "$binary" ]] || { echo "missing $binary: build first" >&2; exit 2; }
done

work="${EXPGRAPH_BENCH_DIR:-$(mktemp -d /tmp/expgraph-importbench.XXXXXX)}"
mkdir -p "$work"
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
  [[ "${EXPGRAPH_BENCH_KEEP:-0}" == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# CPU seconds (user + system) the server has used so far: on a shared machine the wall time
# depends on the load, the CPU time much less.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$server/stat"; }
peak_rss() { awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$server/status"; }

# start_server NAME [expgraphd flags...]: a fresh data dir; sets $server and $url.
start_server() {
  local name="$1"
  shift
  local port
  port=$(free_port)
  url="http://127.0.0.1:$port"
  "$expgraphd" --data "$work/$name-data" --port "$port" --auth off "$@" >"$work/$name-server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    curl -sf "$url/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { cat "$work/$name-server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "expgraphd did not become healthy" >&2
  exit 1
}

stop_server() {
  kill -TERM "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

# run_import NAME NODES EDGES [expgraph import args...]: times the CLI import and prints rates.
run_import() {
  local name="$1" want_nodes="$2" want_edges="$3"
  shift 3
  local start end cpu_before cpu_after
  cpu_before=$(server_cpu)
  start=$(now)
  /usr/bin/time -f "%U %S" -o "$work/$name-import.time" \
    "$cli" --url "$url" import "$@" >"$work/$name-import.log" 2>&1 ||
    { echo "import failed:" >&2; tail -20 "$work/$name-import.log" >&2; exit 1; }
  end=$(now)
  cpu_after=$(server_cpu)
  local wall server_seconds cli_seconds
  wall=$(seconds "$start" "$end")
  server_seconds=$(seconds "$cpu_before" "$cpu_after")
  cli_seconds=$(awk '{ printf "%.1f", $1 + $2 }' "$work/$name-import.time")
  echo "$name import: $(tail -1 "$work/$name-import.log")"
  echo "$name import: $want_nodes nodes + $want_edges edges in $wall s:" \
    "$(rate $((want_nodes + want_edges)) "$wall") items/s, $(rate "$want_edges" "$wall") edges/s;" \
    "server peak RSS $(peak_rss)"
  echo "$name import: CPU time: server $server_seconds s" \
    "($(rate $((want_nodes + want_edges)) "$server_seconds") items per server CPU second), CLI $cli_seconds s"
}

# run_export NAME: times `expgraph export --format jsonl` and prints the rate.
run_export() {
  local name="$1" start end cpu_before cpu_after
  cpu_before=$(server_cpu)
  start=$(now)
  /usr/bin/time -f "%U %S" -o "$work/$name-export.time" \
    "$cli" --url "$url" export --format jsonl --output "$work/$name-export.jsonl" \
    >"$work/$name-export.log" 2>&1 || { cat "$work/$name-export.log" >&2; exit 1; }
  end=$(now)
  cpu_after=$(server_cpu)
  local wall lines edge_lines
  wall=$(seconds "$start" "$end")
  lines=$(wc -l <"$work/$name-export.jsonl")
  edge_lines=$(grep -c '^{"edge"' "$work/$name-export.jsonl" || true)
  echo "$name export: $lines lines ($edge_lines edges) in $wall s: $(rate "$lines" "$wall") items/s," \
    "$(rate "$edge_lines" "$wall") edges/s; server peak RSS $(peak_rss)"
  echo "$name export: CPU time: server $(seconds "$cpu_before" "$cpu_after") s," \
    "CLI $(awk '{ printf "%.1f", $1 + $2 }' "$work/$name-export.time") s"
  rm -f "$work/$name-export.jsonl"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

if [[ "${EXPGRAPH_BENCH_SKIP_UPWORTHY:-0}" != 1 && -f "$upworthy" ]]; then
  echo "== Upworthy archive (default ontology, similarity index on, WAL on)"
  start_server upworthy
  # 52,012 nodes and 118,717 edges (docs/importers.md).
  run_import upworthy 52012 118717 --format upworthy "$upworthy"
  run_export upworthy
  stop_server
fi

if [[ "${EXPGRAPH_BENCH_SKIP_GENERATED:-0}" != 1 ]]; then
  echo "== generated skewed graph: $nodes nodes, $edges edges (bench ontology, WAL on)"
  "$generator" --out "$work/graph.jsonl" --nodes "$nodes" --edges "$edges"
  distinct_edges=$(grep -c '^{"edge"' "$work/graph.jsonl" || true)
  echo "file: $(du -h "$work/graph.jsonl" | cut -f1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  start_server generated --ontology "$root/tools/bench/bench-ontology.json"
  run_import generated "$nodes" "$distinct_edges" "$work/graph.jsonl"
  run_export generated
  stop_server
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
