-- For the wrk scripts: CLIENTS=N sends each request through a proxy on behalf of one of N
-- client addresses (10.x.y.z in X-Forwarded-For; the service must list 127.0.0.1 in
-- trusted_proxies), as a crowd behind a load balancer; unset, every request is the one
-- address 127.0.0.1. Loaded with dofile from the repository's root.
local clients = tonumber(os.getenv("CLIENTS") or "")
return function(headers, i)
  if clients then
    local a = i % clients
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d",
      math.floor(a / 65536) % 256, math.floor(a / 256) % 256, a % 256)
  end
  return headers
end
