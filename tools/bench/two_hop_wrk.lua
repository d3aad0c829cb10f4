-- wrk script for tools/bench/traversal_vs_postgres.sh: each request asks expgraph for the size
-- of the out-going 2-hop neighbourhood of a uniformly random generated node (keys n0..nN-1),
-- the same question the pgbench script asks PostgreSQL. Env: NODES (node count), HOPS (2).
--
-- The client shares the machine's cores with the server, so it is kept cheap: the request is
-- two fixed strings around the random key (wrk.format once, not per request), and there is no
-- response() callback, which would make wrk hand every response's headers and body to Lua.
-- wrk itself counts responses that are not 2xx or 3xx ("Non-2xx or 3xx responses"), and the
-- benchmark script fails the run when it reports any.
local nodes = tonumber(os.getenv("NODES") or "1000000")
local hops = os.getenv("HOPS") or "2"
local counter = 0
local prefix, suffix

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  local sample = wrk.format("GET", "/v1/nodes/Item/n0/neighborhood?hops=" .. hops ..
                            "&direction=out&count_only=true")
  local key_end = sample:find("/neighborhood", 1, true)
  prefix = sample:sub(1, key_end - 2)  -- up to "n", without the sample's key "0"
  suffix = sample:sub(key_end)
end

function request()
  return prefix .. math.random(0, nodes - 1) .. suffix
end

function done(summary, latency, requests)
  io.write(string.format("wrk: requests %d, median latency %.3f ms, p99 %.3f ms\n",
                         summary.requests, latency:percentile(50) / 1000.0,
                         latency:percentile(99) / 1000.0))
end
