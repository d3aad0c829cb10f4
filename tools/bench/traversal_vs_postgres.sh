#!/usr/bin/env bash
# Issue 3: the 2-hop question over HTTP (expgraph, wrk) against PostgreSQL 15 (recursive CTE on
# an indexed edges(src,dst,type) table, pgbench), on the same generated skewed graph, in one run.
# The question: how many distinct nodes lie within 2 outgoing edges of a random node (start
# excluded). Everything listens on 127.0.0.1 only; both servers and the temp dir go on exit.
# Usage: tools/bench/traversal_vs_postgres.sh [nodes=1000000] [edges=10000000] [seconds=30]
#        [clients=8]   (seconds per side and client count, split over ROUNDS=5 alternating
#        rounds; clients may list several counts, e.g. 8,32, measured in turn; run as root
#        from a built tree: needs build/api/expgraphd, build/tools/bench/bench_load_skewed_graph
#        and build/tools/bench/bench_traversal; installs postgresql if missing). Prints the
#        in-process 2-hop times first, then both servers' tx/s and the ratio, then the CPU
#        each server and each client spent per transaction.
# Env: EXPGRAPH_BENCH_DIR (work dir; default a fresh mktemp dir, removed on exit),
#      EXPGRAPH_BENCH_KEEP=1 keeps it and reuses loaded data on a re-run,
#      PLACEMENT=shared (default: servers and clients share every core, no pinning) or split
#      (taskset: both servers on the first half of the cores, both clients on the other half,
#      so that neither client takes CPU from the server it measures).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

nodes="${1:-1000000}"
edges="${2:-10000000}"
seconds="${3:-30}"
clients="${4:-8}"
rounds="${ROUNDS:-5}"
placement="${PLACEMENT:-shared}"
hops=2
expgraphd="$root/build/api/expgraphd"
loader="$root/build/tools/bench/bench_load_skewed_graph"
in_process="$root/build/tools/bench/bench_traversal"
for binary in "$expgraphd" "$loader" "$in_process"; do
  [[ -x "$binary" ]] || { echo "missing $binary: build first" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run as root (installs and runs PostgreSQL as user postgres)" >&2; exit 2; }

# Where the servers and the clients run. Shared: the scheduler places them all, and each
# client's CPU is taken from what its server could use. Split: the servers get the first half
# of the cores and the clients the rest, the usual way to keep a load generator from competing
# with the system it measures on one machine; each side is then measured on half the machine.
cores=$(nproc)
server_pin=()
client_pin=()
client_cores=$cores
workers=$cores
case "$placement" in
  shared) ;;
  split)
    (( cores >= 2 )) || { echo "PLACEMENT=split needs at least 2 cores" >&2; exit 2; }
    command -v taskset >/dev/null ||
      { echo "PLACEMENT=split needs taskset (util-linux)" >&2; exit 2; }
    workers=$(( cores / 2 ))
    client_cores=$(( cores - workers ))
    server_pin=(taskset -c "0-$(( workers - 1 ))")
    client_pin=(taskset -c "$workers-$(( cores - 1 ))")
    ;;
  *) echo "PLACEMENT must be shared or split" >&2; exit 2 ;;
esac

pg_bin=/usr/lib/postgresql/15/bin
if [[ ! -x "$pg_bin/initdb" || ! -x "$pg_bin/pgbench" ]]; then
  echo "== installing PostgreSQL 15"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y postgresql-15 postgresql-contrib >/dev/null
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

work="${EXPGRAPH_BENCH_DIR:-$(mktemp -d /tmp/expgraph-travbench.XXXXXX)}"
mkdir -p "$work"
chmod 755 "$work"  # the postgres user needs to reach its data dir inside
server=""
pgdata="$work/pg"
cleanup() {
  [[ -n "$server" ]] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [[ -f "$pgdata/postmaster.pid" ]] &&
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null 2>&1
  [[ "${EXPGRAPH_BENCH_KEEP:-0}" == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "machine: $cores cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "graph: $nodes nodes, $edges edges; question: distinct nodes within $hops outgoing hops;" \
  "$clients clients, expgraphd --threads $workers"
if [[ "$placement" == split ]]; then
  echo "placement: split; servers on cores ${server_pin[2]}, clients on cores ${client_pin[2]}"
else
  echo "placement: shared; servers and clients on all $cores cores, not pinned"
fi

# In process first, before either server takes memory or CPU: the same generated graph
# straight into a TopologyMirror, 10,000 random starts (the issue's bound: 50 us median).
echo "== in process: bench_traversal --nodes $nodes --edges $edges --hops $hops --direction out"
"$in_process" --nodes "$nodes" --edges "$edges" --hops "$hops" --direction out --queries 10000 |
  grep -E "^(mirror|count_k_hop|k_hop_neighborhood)"

# (a) the same generated graph into expgraph (through GraphStore) and as CSV for PostgreSQL.
if [[ ! -f "$work/loaded" ]]; then
  echo "== loading expgraph data dir and writing edges.csv"
  "$loader" --data "$work/expgraph" --ontology tools/bench/bench-ontology.json \
    --nodes "$nodes" --edges "$edges" --csv "$work/edges.csv"
  chmod 644 "$work/edges.csv"
  touch "$work/loaded"  # a kept work dir (EXPGRAPH_BENCH_KEEP=1) skips this on the next run
fi

# (b) expgraphd on loopback with one worker per core it may use: the requests are short and
# CPU-bound, so more workers only take turns on the same cores (more context switches, caches
# shared by more visit-mark arrays). Measured: with 8 workers instead of 2, server CPU per
# request was 15-30% higher (docs/http-server.md).
port=$(free_port)
"${server_pin[@]}" "$expgraphd" --data "$work/expgraph" --ontology tools/bench/bench-ontology.json \
  --bind 127.0.0.1 --port "$port" --threads "$workers" --quiet --auth off &
server=$!
url="http://127.0.0.1:$port"

# (c) a PostgreSQL 15 cluster of our own, loopback only, settings a fair DBA would choose for a
# read-only in-memory workload: shared_buffers holding table and index, jit off (it only costs
# on millisecond queries), random_page_cost for memory-resident data. fsync off only speeds up
# the load and does not touch the read path.
pg_port=$(free_port)
if [[ ! -f "$pgdata/PG_VERSION" ]]; then
  echo "== initialising PostgreSQL cluster in $pgdata"
  mkdir -p "$pgdata" && chown postgres:postgres "$pgdata"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
fi
mkdir -p "$work/pgrun" && chown postgres:postgres "$work/pgrun"  # socket and server log
# pg_ctl runs the options through a shell command line: they must stay on one line.
pg_options="-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$work/pgrun"
pg_options+=" -c shared_buffers=2GB -c effective_cache_size=4GB -c work_mem=64MB -c jit=off"
pg_options+=" -c random_page_cost=1.1 -c fsync=off -c max_connections=100"
# The postmaster inherits the pinning, and every backend it forks inherits it from there.
"${server_pin[@]}" runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pgdata" \
  -l "$work/pgrun/postgres.log" -w -t 120 -o "$pg_options" start >/dev/null
psql_bench() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }

if ! psql_bench -d bench -c "select 1 from edges limit 1" >/dev/null 2>&1; then
  echo "== loading PostgreSQL (COPY, index on edges(src,dst,type), VACUUM ANALYZE)"
  begin=$(date +%s)
  psql_bench -d postgres -c "create database bench"
  psql_bench -d bench <<SQL
create table edges (src integer not null, dst integer not null, type text not null);
\copy edges from '$work/edges.csv' with (format csv)
create index edges_src_dst_type on edges (src, dst, type);
vacuum analyze edges;
SQL
  echo "postgres load: $(( $(date +%s) - begin )) s"
fi
psql_bench -d bench -c "create extension if not exists pg_prewarm" \
  -c "select pg_prewarm('edges'), pg_prewarm('edges_src_dst_type')" >/dev/null
psql_bench -d bench -At -c "select 'postgres: shared_buffers ' || current_setting('shared_buffers')
  || ', jit ' || current_setting('jit') || ', ' || count(*) || ' edges, table ' ||
  pg_size_pretty(pg_relation_size('edges')) || ', index ' ||
  pg_size_pretty(pg_relation_size('edges_src_dst_type')) from edges"

for _ in $(seq 1 1200); do
  curl -fsS "$url/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "expgraphd exited during start-up" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "$url/readyz" >/dev/null || { echo "expgraphd did not become ready" >&2; exit 1; }
echo "expgraphd: $(curl -fsS "$url/metrics" | grep -E '^expgraph_(nodes|edges)' | tr '\n' ' ')" \
  "RSS $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$server/status)"

# Both sides must give the same answers.
for n in 0 1 17 4242 $((nodes / 2)) $((nodes - 1)); do
  pg=$(sed -e '/^--/d' -e '/^\\set/d' tools/bench/two_hop_postgres.sql |
    psql_bench -d bench -At -v start="$n" -v hops="$hops")
  ours=$(curl -fsS "$url/v1/nodes/Item/n$n/neighborhood?hops=$hops&direction=out&count_only=true" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
  echo "check n$n: postgres $pg, expgraph $ours"
  [[ "$pg" == "$ours" ]] || { echo "answers differ for n$n" >&2; exit 1; }
done

# (d) and (e), alternated: PostgreSQL with pgbench (prepared statements) and expgraph over HTTP
# with wrk (random start nodes, same question), same client count, $rounds rounds of
# seconds/rounds each. On a shared machine the load drifts; alternating short rounds gives both
# sides the same conditions, and the medians of the rounds are compared. With several client
# counts (clients=8,32) each count is measured this way in turn.
round_seconds=$(( seconds / rounds > 0 ? seconds / rounds : 1 ))
# The median of its arguments (numbers).
median() { printf "%s\n" "$@" | sort -n | awk '{v[NR]=$1} END {printf "%s", v[int((NR+1)/2)]}'; }
# CPU seconds process $1 has used; with $2 = 1 also those of its children that ended: for the
# postmaster that is every pgbench connection's backend, which exits when pgbench does.
clock_ticks=$(getconf CLK_TCK)
cpu_seconds() {
  awk -v hz="$clock_ticks" -v children="$2" \
    '{sub(/^.*\) /, ""); t = $12 + $13; if (children) t += $14 + $15; printf "%.2f", t / hz}' \
    "/proc/$1/stat"
}
postmaster=$(head -1 "$pgdata/postmaster.pid")
# CPU microseconds per transaction, from CPU seconds before ($1) and after ($2) and a count.
per_transaction_us() {
  awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN {printf "%.1f", (b - a) * 1e6 / n}'
}
# A client's own CPU seconds (user + system), from bash's `time` written to a file.
TIMEFORMAT='%3U %3S'
client_seconds() { tail -1 "$1" | awk '{printf "%.3f", $1 + $2}'; }
# How busy a client kept the cores it may use during a round, in percent: near 100 would mean
# the client, not the server, set the pace.
client_load() {
  awk -v s="$(client_seconds "$1")" -v t="$round_seconds" -v c="$client_cores" \
    'BEGIN {printf "%.0f%%", 100 * s / (t * c)}'
}
# per client count: clients pg_tps pg_median_ms ours_tps ours_median_ms, then CPU microseconds
# per transaction: postgres, pgbench, expgraphd, wrk
summary=()
measure_at() {
  local clients=$1
  local pg_rates=() ours_rates=() ours_medians=() pg_cpu=() ours_cpu=() pgbench_cpu=() wrk_cpu=()
  local before after transactions
  rm -rf "$work/pglog" && mkdir -p "$work/pglog"
  for round in $(seq 1 "$rounds"); do
    echo "== $clients clients, round $round/$rounds: pgbench -c $clients -j 2" \
      "-T $round_seconds -M prepared; wrk -t2 -c$clients -d${round_seconds}s" \
      "(load average $(cut -d' ' -f1 /proc/loadavg))"
    mkdir -p "$work/pglog/$round"
    before=$(cpu_seconds "$postmaster" 1)
    { time (cd "$work/pglog/$round" && "${client_pin[@]}" pgbench -n -M prepared \
      -c "$clients" -j 2 -T "$round_seconds" -l -D nodes="$nodes" -D hops="$hops" \
      -f "$root/tools/bench/two_hop_postgres.sql" -h 127.0.0.1 -p "$pg_port" -U postgres \
      bench) > "$work/pgbench.out"; } 2> "$work/pgbench.time"
    grep -qE "number of failed transactions: 0 " "$work/pgbench.out" ||
      { cat "$work/pgbench.out" "$work/pgbench.time" >&2; echo "pgbench reported failures" >&2
        exit 1; }
    pg_rates+=("$(awk '/^tps/ {print $3}' "$work/pgbench.out")")
    sleep 1  # the postmaster collects the ended backends' CPU times when it reaps them
    after=$(cpu_seconds "$postmaster" 1)
    transactions=$(awk '/actually processed/ {print $NF}' "$work/pgbench.out")
    pg_cpu+=("$(per_transaction_us "$before" "$after" "$transactions")")
    pgbench_cpu+=("$(per_transaction_us 0 "$(client_seconds "$work/pgbench.time")" \
      "$transactions")")
    before=$(cpu_seconds "$server" 0)
    { time NODES="$nodes" HOPS="$hops" "${client_pin[@]}" wrk -t2 -c"$clients" \
      -d"${round_seconds}s" --latency -s tools/bench/two_hop_wrk.lua "$url" > "$work/wrk.out"
    } 2> "$work/wrk.time"
    grep -qE "Non-2xx|Socket errors" "$work/wrk.out" &&
      { cat "$work/wrk.out" >&2; echo "wrk saw errors" >&2; exit 1; }
    ours_rates+=("$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")")
    after=$(cpu_seconds "$server" 0)
    transactions=$(awk '/requests in/ {print $1}' "$work/wrk.out")
    ours_cpu+=("$(per_transaction_us "$before" "$after" "$transactions")")
    wrk_cpu+=("$(per_transaction_us 0 "$(client_seconds "$work/wrk.time")" "$transactions")")
    ours_medians+=("$(awk '/^wrk:/ {for (i=1;i<=NF;i++) if ($i=="median") print $(i+2)}' \
      "$work/wrk.out")")
    printf "   postgres %6.0f tx/s (CPU/tx: server %5s us, pgbench %4s us, client cores %s busy)" \
      "${pg_rates[-1]}" "${pg_cpu[-1]}" "${pgbench_cpu[-1]}" "$(client_load "$work/pgbench.time")"
    printf "   expgraph %6.0f tx/s (server %4s us, wrk %4s us, client cores %s busy)\n" \
      "${ours_rates[-1]}" "${ours_cpu[-1]}" "${wrk_cpu[-1]}" "$(client_load "$work/wrk.time")"
  done
  # pgbench's per-transaction logs: the third column is the latency in microseconds.
  local pg_median_ms
  pg_median_ms=$(cat "$work"/pglog/*/pgbench_log.* | awk '{print $3}' | sort -n |
    awk '{v[NR]=$1} END {printf "%.3f", v[int((NR+1)/2)]/1000}')
  summary+=("$clients $(median "${pg_rates[@]}") $pg_median_ms $(median "${ours_rates[@]}") \
$(median "${ours_medians[@]}") $(median "${pg_cpu[@]}") $(median "${pgbench_cpu[@]}") \
$(median "${ours_cpu[@]}") $(median "${wrk_cpu[@]}")")
}
IFS=, read -r -a client_counts <<< "$clients"
for count in "${client_counts[@]}"; do measure_at "$count"; done
echo "expgraphd RSS after the run: $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$server/status)"

echo
echo "medians of $rounds rounds ($placement placement):"
printf "%-8s %14s %18s %14s %18s %7s\n" clients "postgres tx/s" "postgres median" \
  "expgraph tx/s" "expgraph median" ratio
for line in "${summary[@]}"; do
  read -r count pg_tps pg_ms ours_tps ours_ms _ <<< "$line"
  printf "%-8s %14.0f %15s ms %14.0f %15s ms %6.1fx\n" "$count" "$pg_tps" "$pg_ms" "$ours_tps" \
    "$ours_ms" "$(awk -v a="$ours_tps" -v b="$pg_tps" 'BEGIN {print a/b}')"
done
# Per transaction the two clients cost about the same, which is a far larger part of an
# expgraph request's total than of a PostgreSQL transaction's; with PLACEMENT=shared that CPU
# is taken from the servers' cores. The servers' own CPU (all expgraphd threads; the postmaster
# and its backends) shows each server's cost without its client's.
echo "CPU per transaction, medians of the rounds:"
printf "%-8s %14s %10s %14s %10s %14s\n" clients "postgres" "pgbench" "expgraphd" "wrk" \
  "server ratio"
for line in "${summary[@]}"; do
  read -r count _ _ _ _ pg_us pgbench_us ours_us wrk_us <<< "$line"
  printf "%-8s %11s us %7s us %11s us %7s us %13.1fx\n" "$count" "$pg_us" "$pgbench_us" \
    "$ours_us" "$wrk_us" "$(awk -v a="$pg_us" -v b="$ours_us" 'BEGIN {print a/b}')"
done
if (( ${#summary[@]} > 1 )); then
  # Each server at the client count that suits it best: peak throughput against peak throughput.
  printf "%s\n" "${summary[@]}" | awk '$2 > pg {pg = $2; pc = $1} $4 > ours {ours = $4; oc = $1}
    END {printf "best against best: expgraph %.0f tx/s (%s clients) / postgres %.0f tx/s" \
      " (%s clients) = %.1fx\n", ours, oc, pg, pc, ours / pg}'
fi
