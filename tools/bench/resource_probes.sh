#!/usr/bin/env bash
# Resource probes against ONE running expgraphd (issue 16's bar "RSS after the resource probes
# returns within 20% of its value before them"): loads the demo graph, reads the server's RSS,
# then sends every hostile or heavy request of issue 16 to the same server, each answered or
# refused: JSON nested 100,000 deep, a 100 MiB chunked body, a gzip body that inflates to
# 512 MiB, bodies sent a byte a second, the query probes of query_memory_probe.sh, and eight
# legal 15 MiB queries at once. Prints each answer's status and the RSS after it, then the RSS
# 3 s after the last one against the RSS before.
# Usage: tools/bench/resource_probes.sh     (EXPGRAPH_SERVER: the binary to probe)
# Exit status 1 when a probe got an unexpected status or RSS ends more than 20% above its start.
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${EXPGRAPH_BENCH_PORT:-18292}"
url="http://127.0.0.1:${port}"
server_binary="${EXPGRAPH_SERVER:-./build/api/expgraphd}"
[ -x "$server_binary" ] || { echo "build expgraphd first (tools/build)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }

work=$(mktemp -d)
"$server_binary" --data "$work/data" --port "$port" --quiet --auth off --threads 8 \
  --max-concurrent-requests 6 --read-timeout 5 2>"$work/server.log" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -X POST "$url/v1/batch" -H "Content-Type: application/json" \
  --data-binary @tools/demo/demo-graph.json >/dev/null

rss_mib() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$server/status") / 1024 )); }
failures=0
# check NAME EXPECTED ACTUAL: prints the line and counts a mismatch.
check() {
  local verdict=ok
  [[ " $2 " == *" $3 "* ]] || { verdict="UNEXPECTED (wanted $2)"; failures=$((failures + 1)); }
  printf '%-28s http %-4s %-24s RSS %5d MiB\n' "$1" "$3" "$verdict" "$(rss_mib)"
}
post() {  # post PATH FILE [curl options...] -> status
  local path="$1" file="$2"
  shift 2
  curl -sS -o /dev/null -w '%{http_code}' --max-time 60 -X POST "$url$path" \
    -H "Content-Type: application/json" "$@" --data-binary @"$file" || echo 000
}

# Inputs, built before the first reading of RSS.
python3 - "$work" <<'EOF'
import gzip, json, sys
work = sys.argv[1]
depth = 100_000
with open(f"{work}/nested.json", "w") as f:
    f.write('{"properties":{"name":"x","criteria":' + "[" * depth + "]" * depth + "}}")
with open(f"{work}/big.json", "w") as f:  # 100 MiB, sent chunked
    f.write('{"query":"RETURN 1","params":{"s":"' + "a" * (100 << 20) + '"}}')
with open(f"{work}/bomb.gz", "wb") as f:  # 512 MiB of JSON once inflated
    body = b'{"query":"RETURN 1","params":{"s":"' + b"a" * (512 << 20) + b'"}}'
    f.write(gzip.compress(body, 9))
with open(f"{work}/legal.json", "w") as f:  # 15 MiB, under the 16 MiB default limit
    f.write(json.dumps({"query": "RETURN size($s) AS n", "params": {"s": "b" * (15 << 20)}}))
EOF

sleep 1
before=$(rss_mib)
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "RSS before the probes: $before MiB"

code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT "$url/v1/nodes/Segment/deep" \
  -H "Content-Type: application/json" --data-binary @"$work/nested.json" || echo 000)
check "nested 100,000 deep" "400" "$code"
check "100 MiB chunked" "413" "$(post /v1/query "$work/big.json" -H 'Transfer-Encoding: chunked')"
check "gzip to 512 MiB" "413" "$(post /v1/query "$work/bomb.gz" -H 'Content-Encoding: gzip')"

# Four slow bodies (one byte a second); /healthz must answer meanwhile; the server drops them
# at --read-timeout.
slow=()
for _ in 1 2 3 4; do
  (printf 'POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n'
   for _ in $(seq 1 8); do printf 'x'; sleep 1; done) |
    timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; cat >&3" 2>/dev/null &
  slow+=($!)
done
sleep 1
check "healthz during slow bodies" "200" \
  "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 2 "$url/healthz" || echo 000)"
wait "${slow[@]}" || true

query() {  # query NAME EXPECTED JSON: also prints the answer time
  local answer
  answer=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' --max-time 60 \
    -X POST "$url/v1/query" -H "Content-Type: application/json" --data-binary "$3" ||
    echo "000 0")
  check "$1" "$2" "${answer% *}"
  printf '%-28s answered in %s s\n' "" "${answer#* }"
}
query "range past timeout" "429 422" \
  '{"query": "RETURN size(range(1, 10000000)) AS n", "timeout_ms": 100}'
query "replace blow-up" "422 429" \
  '{"query": "WITH $s AS s WITH replace(s, \"a\", s) AS s WITH replace(s, \"a\", s) AS s WITH replace(s, \"a\", s) AS s RETURN size(replace(s, \"a\", s)) AS n", "params": {"s": "aaaaaaaaaa"}, "timeout_ms": 1000}'
query "list concat blow-up" "422 429" \
  '{"query": "WITH range(1, 10000000) AS r RETURN size(r + r + r + r + r) AS n", "timeout_ms": 1000}'
query "collect a million" "200" \
  '{"query": "UNWIND range(1, 1000000) AS x WITH collect(toString(x) + \" padding\") AS c RETURN size(c) AS n", "limit": 1000000, "timeout_ms": 60000}'
query "cross product sort" "200 422 429" \
  '{"query": "MATCH (a), (b) RETURN a.key, b.key ORDER BY a.key LIMIT 1", "limit": 1000000, "timeout_ms": 60000}'

# Eight legal 15 MiB queries at once: answered, or 429 beyond --max-body-memory.
legal=()
for i in $(seq 1 8); do
  post /v1/query "$work/legal.json" >"$work/legal-$i.code" &
  legal+=($!)
done
wait "${legal[@]}"
check "8 x 15 MiB at once" "200 429" "$(sort -u "$work"/legal-*.code | tr '\n' ' ' | sed 's/ $//')"

sleep 3
after=$(rss_mib)
percent=$(( (after - before) * 100 / before ))
echo "RSS after the probes: $after MiB (before $before MiB, change ${percent}%)"
[ "$percent" -le 20 ] || { echo "RSS did not come back within 20%"; failures=$((failures + 1)); }
kill -0 "$server" 2>/dev/null || { echo "the server died"; failures=$((failures + 1)); }
[ "$failures" -eq 0 ] || { echo "$failures probe(s) failed"; exit 1; }
echo "all probes answered as expected"
