-- wrk script: mixed traffic. Of every 20 requests: 14 status-page lookups (distinct valid
-- pairs from PAIRS), 3 case reads, 2 progress reports, 1 approval (of the next case from
-- SUBMITTED, at version 1 as imported; an already approved case answers 409, counted apart).
-- API calls use TOKEN.
--   PAIRS=pairs.csv SUBMITTED=submitted.txt TOKEN=... wrk -t2 -c32 -d20s --latency -s scripts/mixed.lua URL

local pairs, cases, submitted = {}, {}, {}
for line in io.lines(os.getenv("PAIRS") or "pairs.csv") do
  local case, nid, code = line:match("^(%d+),(%d+),.*,([%w%-]+)$")
  if nid then
    pairs[#pairs + 1] = "national_id=" .. nid .. "&code=" .. code
    cases[#cases + 1] = case
  end
end
for line in io.lines(os.getenv("SUBMITTED") or "submitted.txt") do
  if line:match("^%d+$") then submitted[#submitted + 1] = line end
end
local token = assert(os.getenv("TOKEN"), "TOKEN: an API token of a reviewer")
local client_headers = dofile("scripts/clients.lua")

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  n, ok, refused, failed = 0, 0, 0, 0
  index = id * 7919
end

function request()
  n = n + 1
  index = index + 1
  local slot = n % 20
  local auth = client_headers({ ["Authorization"] = "Bearer " .. token }, index)
  if slot < 14 then
    return wrk.format("POST", "/tra-cuu",
      client_headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }, index),
      pairs[(index % #pairs) + 1])
  elseif slot < 17 then
    return wrk.format("GET", "/api/v1/cases/" .. cases[(index % #cases) + 1], auth)
  elseif slot < 19 then
    return wrk.format("GET", "/api/v1/progress", auth)
  else
    local case = submitted[((index + id * 100003) % #submitted) + 1]
    auth["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/cases/" .. case .. "/approve", auth, "{\"version\":1}")
  end
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 409 then refused = refused + 1
  else failed = failed + 1 end
end

function done(summary, latency, requests)
  local o, r, f = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); r = r + t:get("refused"); f = f + t:get("failed")
  end
  io.write(string.format("ok %d, refused (already approved) %d, failed %d\n", o, r, f))
  io.write(string.format("requests/s %.0f; p50 %.2f ms; p99 %.2f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
