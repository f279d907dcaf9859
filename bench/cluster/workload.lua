-- wrk script for bench/cluster/run: add_item commands on the orders listed in a file (one id per
-- line), each to a random one of them. Arguments after "--": IDS_FILE
-- done() prints one line for the driver:
--   RESULT requests=N seconds=S rps=R p50_us=A p99_us=B bad_status=N socket_errors=N

local ids = {}
local json = { ["Content-Type"] = "application/json" }
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  math.randomseed(os.time() * 1000 + index)
end

function request()
  local id = ids[math.random(1, #ids)]
  return wrk.format("POST", "/v1/orders/" .. id .. "/items", json,
                    string.format('{"sku":"sku-%d","quantity":1,"unit_price_cents":100}',
                                  math.random(1, 5)))
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d bad_status=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
