-- wrk script: status-page lookups over many distinct valid (national id, code) pairs.
-- The pairs file (from `staffpay lookup-codes --out FILE`) is named by PAIRS (default
-- pairs.csv). A response counts as found when it is 200 and shows the case's amounts.
--   PAIRS=pairs.csv wrk -t2 -c64 -d20s --latency -s scripts/status-lookups.lua http://127.0.0.1:8080

local bodies = {}
local path = os.getenv("PAIRS") or "pairs.csv"
for line in io.lines(path) do
  local nid, code = line:match("^%d+,(%d+),.*,([%w%-]+)$")
  if nid then
    bodies[#bodies + 1] = "national_id=" .. nid .. "&code=" .. code
  end
end
assert(#bodies > 0, "no pairs in " .. path)

local client_headers = dofile("scripts/clients.lua")

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  found, other = 0, 0
  index = id * 7919
end

function request()
  index = index + 1
  local body = bodies[(index % #bodies) + 1]
  return wrk.format("POST", "/tra-cuu",
    client_headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }, index), body)
end

function response(status, headers, body)
  if status == 200 and body:find("Còn phải chi", 1, true) then
    found = found + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local f, o = 0, 0
  for _, t in ipairs(threads) do
    f = f + t:get("found")
    o = o + t:get("other")
  end
  io.write(string.format("pairs %d; found %d, not found or failed %d\n", #bodies, f, o))
  io.write(string.format("lookups/s %.0f; p50 %.2f ms; p99 %.2f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
