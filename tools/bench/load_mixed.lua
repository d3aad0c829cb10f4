-- wrk script for tools/bench/load_test.sh: a mixed read/write load against the demo graph.
-- Per request: 40% PUT of a new Learning (unique key, so every accepted one answers 201),
-- 25% GET of a demo node, 20% 1-hop neighbourhood, 15% a Cypher query. Counts 201s (the
-- acknowledged writes, checked against the server's node count afterwards) and non-2xx.
-- Env WRITE_PERCENT (default 40) sets the share of PUTs; reads keep their 25:20:15 ratio.
local write_percent = tonumber(os.getenv("WRITE_PERCENT") or "40")
local counter = 0
local threads = {}
local reads = {"Experiment/EXP-2041", "Hypothesis/HYP-101", "Channel/email", "Segment/smb",
               "Metric/conversion", "Campaign/spring-2024", "Team/growth"}
local query = '{"query": "MATCH (e:Experiment)-[:TESTS]->(h:Hypothesis) ' ..
              'RETURN h.statement, count(e) AS n ORDER BY n DESC LIMIT 5"}'

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  sequence = 0
  created = 0
  failures = 0
  math.randomseed(os.time() * 1000 + id)
end

function request()
  sequence = sequence + 1
  if math.random(100) <= write_percent then
    local key = "load-" .. id .. "-" .. sequence
    local body = '{"properties": {"text": "load test learning ' .. key ..
                 ' shorter forms convert better on mobile"}}'
    return wrk.format("PUT", "/v1/nodes/Learning/" .. key,
                      {["Content-Type"] = "application/json"}, body)
  end
  local pick = math.random(60)
  if pick <= 25 then
    return wrk.format("GET", "/v1/nodes/" .. reads[math.random(#reads)])
  elseif pick <= 45 then
    return wrk.format("GET", "/v1/nodes/" .. reads[math.random(#reads)] .. "/neighborhood?hops=1")
  else
    return wrk.format("POST", "/v1/query", {["Content-Type"] = "application/json"}, query)
  end
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status < 200 or status > 299 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local total_created, total_failures = 0, 0
  for _, thread in ipairs(threads) do
    total_created = total_created + thread:get("created")
    total_failures = total_failures + thread:get("failures")
  end
  io.write(string.format("requests %d\nacknowledged_writes %d\nnon_2xx %d\n" ..
                         "socket_errors %d\np50_ms %.2f\np99_ms %.2f\n",
                         summary.requests, total_created, total_failures,
                         summary.errors.connect + summary.errors.read + summary.errors.write +
                         summary.errors.timeout,
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
