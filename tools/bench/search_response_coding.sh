#!/usr/bin/env bash
# What compressing an answer costs: POST /v1/search as the web UI's search box sends it
# ({"text", "k": 12}) for 9 phrases x 5 runs per Accept-Encoding (identity; gzip, deflate;
# gzip, deflate, br as browsers send), printing the coding the server chose, the mean answer
# size, the median and p10/p90 of curl's time_total, and the server's CPU time per request
# (utime + stime of its process over the 45 requests). Against a running expgraphd with data
# (the demo graph and the Upworthy archive, as tools/run loads them).
# Usage: tools/bench/search_response_coding.sh URL SERVER_PID
set -euo pipefail
url=${1:?usage: search_response_coding.sh URL SERVER_PID}
pid=${2:?usage: search_response_coding.sh URL SERVER_PID}
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
headers=$(mktemp)
trap 'rm -f "$headers"' EXIT

queries=('free shipping' 'questions in headlines' 'countdown timer' 'personalised offer'
  'evening push' 'teachers' 'climate change' 'discount subject line' 'video of a dog')
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for accepted in identity 'gzip, deflate' 'gzip, deflate, br'; do
  times=()
  bytes=0
  coding=none
  cpu_before=$(cpu_ticks)
  for query in "${queries[@]}"; do
    for _ in 1 2 3 4 5; do
      out=$(curl -s -o /dev/null -D "$headers" -w '%{time_total} %{size_download}' \
        -X POST "$url/v1/search" -H 'Content-Type: application/json' \
        -H "Accept-Encoding: $accepted" --data "{\"text\": \"$query\", \"k\": 12}")
      times+=("$(awk '{printf "%.1f", $1 * 1000}' <<<"$out")")
      bytes=$((bytes + ${out#* }))
      coding=$(awk 'tolower($1) == "content-encoding:" {print $2}' "$headers" | tr -d '\r')
      coding=${coding:-none}
    done
  done
  cpu_ms=$(( ($(cpu_ticks) - cpu_before) * 1000 / ticks ))
  n=${#times[@]}
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  at() { sed -n "${1}p" <<<"$sorted"; }
  echo "Accept-Encoding '$accepted': coding $coding, mean size $((bytes / n)) B," \
    "time_total median $(at $(( (n + 1) / 2 ))) ms (p10 $(at $(( n / 10 + 1 ))), p90 $(at $(( n * 9 / 10 )))," \
    "n $n), server CPU $((cpu_ms / n)) ms per request"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
