#!/usr/bin/env bash
# What the search embedder costs a first start: tools/run's demo graph and its three data sets
# (Hillstrom, Facebook ads, Upworthy) imported through the CLI into a fresh expgraphd with the
# given embedder, each import timed, then the time from a restart to a healthy server.
# Usage (from a built tree, after tools/fetch-word-vectors and tools/fetch-sentence-encoder):
#   tools/bench/import_by_embedder.sh PORT KIND [expgraphd arguments...]
#   tools/bench/import_by_embedder.sh 18912 use --sentence-encoder data/sentence-encoder/use-lite.bin
#   tools/bench/import_by_embedder.sh 18913 glove --word-vectors data/word-vectors/glove-100d.bin
# Listens on 127.0.0.1 only; the server and its temporary data directory go on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -lt 2 ]; then
  sed -n '5,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
port=$1
kind=$2
shift 2
shared="${EXPGRAPH_SHARED_DATA:-../shared/data}"
url="http://127.0.0.1:$port"
data="$(mktemp -d "${TMPDIR:-/tmp}/expgraph-import-$kind.XXXXXX")"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }'; }
start_server() {
  ./build/api/expgraphd --data "$data/db" --port "$port" --auth off --quiet --embedder "$kind" \
    "$@" >>"$data/server.log" 2>&1 &
  server=$!
  until curl -fsS "$url/healthz" >/dev/null 2>&1; do
    kill -0 "$server" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
    sleep 0.1
  done
}
stop_server() {
  kill -TERM "$server"
  wait "$server" || true
  server=""
}

start_server "$@"
total=$(now)
curl -fsS -X POST "$url/v1/batch" -H 'Content-Type: application/json' \
  --data-binary @tools/demo/demo-graph.json >/dev/null
for spec in hillstrom:hillstrom/hillstrom.csv fb-ads:campaigns/KAG_conversion_data.csv \
            upworthy:upworthy/upworthy-packages-2013-2014.csv; do
  started=$(now)
  ./build/tools/expgraph --url "$url" import --format "${spec%%:*}" "$shared/${spec#*:}" >/dev/null
  echo "$kind: ${spec%%:*} imported in $(since "$started") s"
done
echo "$kind: demo graph and three data sets in $(since "$total") s"
stop_server
restarted=$(now)
start_server "$@"
echo "$kind: restart to healthy in $(since "$restarted") s"
