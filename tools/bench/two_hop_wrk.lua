-- wrk script for tools/bench/traversal_vs_postgres.sh: each request asks expgraph for the size
-- of the out-going 2-hop neighbourhood of a uniformly random generated node (keys n0..nN-1),
-- the same question the pgbench script asks PostgreSQL. Env: NODES (node count), HOPS (2).
local nodes = tonumber(os.getenv("NODES") or "1000000")
local hops = os.getenv("HOPS") or "2"
local counter = 0
local threads = {}
local failures = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
end

function request()
  local key = "n" .. math.random(0, nodes - 1)
  return wrk.format("GET", "/v1/nodes/Item/" .. key ..
                    "/neighborhood?hops=" .. hops .. "&direction=out&count_only=true")
end

function response(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + (thread:get("failures") or 0) end
  io.write(string.format("wrk: requests %d, non-200 %d, median latency %.3f ms, p99 %.3f ms\n",
                         summary.requests, failed, latency:percentile(50) / 1000.0,
                         latency:percentile(99) / 1000.0))
end
